package envs

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The secret the tests hand the service, and the part of it that must
// never show.
const (
	databaseURL = "postgres://app:hunter2@db.internal/app"
	password    = "hunter2"
)

// The child is a service started with a database password in its
// environment. It logs its start to stderr, then runs a worker that
// reports whether it got DATABASE_URL too.
var secretsBroken, secretsFixed = pair("envs/secrets", func(c code) int {
	c.LogStartup(os.Stderr, LoadConfig())
	out, err := c.RunWorker(childproc.Command(probe, "env:DATABASE_URL"))
	reportOutput("worker", out, err)
	return 0
})

// Secrets is a password in the environment, logged and inherited.
var Secrets = catalog.Entry{
	ID:    "envs/secrets",
	Title: "Secrets in the environment leak into logs and into every child",
	Symptom: "The start-up log line holds the database password; so does the environment of every helper program " +
		"the service runs, and of everything they run.",
	Cause: "os.Environ() is every variable, credentials included. A child inherits the whole environment " +
		"unless Cmd.Env says otherwise, and passes it on the same way.",
	Fix: "Log the parsed Config, whose secret fields are of a type that prints <redacted> under every fmt verb and in JSON; " +
		"start children with the environment less the secrets (better: only what they need).",
	Sources: []string{"001 Q24"},
	Refs:    []string{"CWE-532: Insertion of Sensitive Information into Log File", "CWE-526: Exposure of Sensitive Information Through Environmental Variables"},
	Func:    "LogStartup",
	Test:    "TestSecrets",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the password is in the log and in the worker's environment",
		Role:  secretsBroken,
		Prove: proveSecretLeaks,
	},
	Fixed: catalog.Half{
		Says:  "the log shows <redacted> and the worker has no DATABASE_URL",
		Role:  secretsFixed,
		Prove: proveSecretKept,
	},
}

func runService(t childproc.T, role childproc.Role) childproc.Result {
	t.Helper()
	res := childproc.Run(t, role, childproc.Env("DATABASE_URL="+databaseURL, "LISTEN_ADDR=:8080"))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res
}

func proveSecretLeaks(t childproc.T, role childproc.Role) {
	res := runService(t, role)
	assert.Contains(t, res.Stderr, "DATABASE_URL="+databaseURL, "the log holds the password")
	assert.Equal(t, []string{"worker: DATABASE_URL=" + databaseURL}, res.Events, "the worker inherited it")
	t.Logf("log: %q; %s", excerpt(res.Stderr, password), res.Events[0])
}

func proveSecretKept(t childproc.T, role childproc.Role) {
	res := runService(t, role)
	assert.NotContains(t, res.Stderr, password, "the log has no password")
	assert.Equal(t, "starting with {Name: Listen::8080 DatabaseURL:<redacted>}\n", res.Stderr)
	assert.Equal(t, []string{"worker: DATABASE_URL unset"}, res.Events, "the worker did not get it")
	t.Logf("log: %q; %s", strings.TrimSpace(res.Stderr), res.Events[0])
}

// excerpt is the part of s around the first match of word.
func excerpt(s, word string) string {
	i := strings.Index(s, word)
	if i < 0 {
		return ""
	}
	return s[max(i-30, 0):min(i+len(word)+20, len(s))]
}

// secretFormats prints a Config holding a Secret in every way code prints
// values: each fmt verb, String and GoString, JSON; and a struct that holds
// a Secret in an unexported field, which fmt cannot ask to hide itself.
var secretFormats = childproc.Register("envs/secret-formats", func([]string) int {
	cfg := Config{Name: "svc", DatabaseURL: Secret(databaseURL)}
	s := cfg.DatabaseURL
	hidden := struct{ url Secret }{s}
	cfgJSON, err1 := json.Marshal(cfg)
	secretJSON, err2 := json.Marshal(s)
	if err1 != nil || err2 != nil {
		fmt.Println("json:", err1, err2)
		return 1
	}
	fmt.Printf("%%v: %v\n", cfg)
	fmt.Printf("%%+v: %+v\n", cfg)
	fmt.Printf("%%#v: %#v\n", cfg)
	fmt.Printf("%%s: %s\n", cfg)
	fmt.Printf("%%q: %q\n", cfg)
	fmt.Printf("%%x: %x\n", s)
	fmt.Printf("Secret %%v: %v\n", s)
	fmt.Printf("Secret %%#v: %#v\n", s)
	fmt.Printf("Secret %%q: %q\n", s)
	fmt.Printf("String(): %s\n", s.String())
	fmt.Printf("GoString(): %s\n", s.GoString())
	fmt.Printf("json Config: %s\n", cfgJSON)
	fmt.Printf("json Secret: %s\n", secretJSON)
	fmt.Printf("Println: %s", fmt.Sprintln(cfg))
	fmt.Printf("unexported field %%v: %v\n", hidden)
	return 0
})
