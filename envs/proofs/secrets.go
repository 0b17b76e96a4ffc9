package proofs

import (
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// Secrets is a password in the environment, logged and inherited.
var Secrets = catalog.Entry{
	ID:    "envs/secrets",
	Title: "Secrets in the environment leak into logs and into every child",
	Symptom: "The start-up log line holds the database password; so does the environment of every helper program " +
		"the service runs, and of everything they run.",
	Cause: "os.Environ() is every variable, credentials included. A child inherits the whole environment " +
		"unless Cmd.Env says otherwise, and passes it on the same way.",
	Fix: "Log the parsed Config, whose secret fields are of a type that prints <redacted> under every fmt verb and in JSON " +
		"(but not from an unexported field: TestSecretHidesUnderEveryVerb); " +
		"start children with the environment less the secrets (better: only what they need).",
	Sources: []string{"001 Q24"},
	Refs: []string{"CWE-532: Insertion of Sensitive Information into Log File",
		"CWE-526: Exposure of Sensitive Information Through Environmental Variables"},
	Func: "LogStartup",
	Test: "TestSecrets",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "a service started with a password in DATABASE_URL logs its start-up and runs a worker",
		AskFixed: true,
		Wrong:    "the log shows <redacted>, but the worker still inherits DATABASE_URL",
	},
	Roles: envs.Secrets,
	Broken: catalog.Half{
		Says:  "the password is in the log and in the worker's environment",
		Prove: proveSecretLeaks,
	},
	Fixed: catalog.Half{
		Says:  "the log shows <redacted> and the worker has no DATABASE_URL",
		Prove: proveSecretKept,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant S as service
    participant W as worker
    T->>S: start with DATABASE_URL in its environment
    S->>S: log os.Environ() (broken) or the Config (fixed)
    S->>W: start worker: inherits all, or all less secrets
    W-->>S: DATABASE_URL=..., or unset
    S-->>T: stderr: the password, or <redacted>`,
}

func runService(t childproc.T, r role.Role) childproc.Result {
	t.Helper()
	res := childproc.Run(t, r, childproc.Env("DATABASE_URL="+envs.DatabaseURL, "LISTEN_ADDR=:8080"),
		childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res
}

func proveSecretLeaks(t childproc.T, r role.Role) {
	res := runService(t, r)
	require.Contains(t, res.Stderr, "DATABASE_URL="+envs.DatabaseURL, "the log holds the password")
	require.Equal(t, []string{"worker: DATABASE_URL=" + envs.DatabaseURL}, res.Events, "the worker inherited it")
	t.Logf("the log line held %q; the worker reported %s", excerpt(res.Stderr, envs.Password), res.Events[0])
}

func proveSecretKept(t childproc.T, r role.Role) {
	res := runService(t, r)
	require.NotContains(t, res.Stderr, envs.Password, "the log has no password")
	require.Equal(t, "starting with {Name: Listen::8080 DatabaseURL:<redacted>}\n", res.Stderr)
	require.Equal(t, []string{"worker: DATABASE_URL unset"}, res.Events, "the worker did not get it")
	t.Logf("the log line was %q; the worker reported %s", strings.TrimSpace(res.Stderr), res.Events[0])
}

// excerpt is the part of s around the first match of word.
func excerpt(s, word string) string {
	i := strings.Index(s, word)
	if i < 0 {
		return ""
	}
	return s[max(i-30, 0):min(i+len(word)+20, len(s))]
}
