package envs

import (
	"os"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The child runs a Go probe with GREETING=hello added to its environment
// (and the variables the harness itself needs, harnessVars);
// the probe reports GREETING, PATH and its home directory, and then tries
// to run sh as any program would, through PATH.
var envReplacesBroken, envReplacesFixed = pair("envs/env-replaces", func(c code) int {
	cmd := childproc.Command(probe, "env:GREETING", "env:PATH", "home", "exec:sh")
	out, err := c.RunWithVars(cmd, append(harnessVars(cmd), "GREETING=hello")...)
	reportOutput("child", out, err)
	return 0
})

// EnvReplaces is Cmd.Env taken for "extra variables".
var EnvReplaces = catalog.Entry{
	ID:    "envs/env-replaces",
	Title: "Cmd.Env replaces the environment instead of extending it",
	Symptom: "The child gets GREETING but loses PATH and HOME: its own exec fails with " +
		"`executable file not found in $PATH`, and os.UserHomeDir with `$HOME is not defined`.",
	Cause: "A nil Cmd.Env means \"inherit\"; a non-nil one is the child's whole environment. " +
		"A Go child does not invent a PATH (a shell does: dash falls back to a built-in default).",
	Fix:     "cmd.Env = append(cmd.Environ(), \"GREETING=hello\") (or append(os.Environ(), ...)): the inherited environment plus the additions, last value wins.",
	Sources: []string{"001 Q11"},
	Refs:    []string{"os/exec Cmd.Env doc: \"If Env is nil, the new process uses the current process's environment\""},
	Func:    "RunWithVars",
	Test:    "TestEnvReplaces",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the child has GREETING but no PATH and no HOME, and cannot exec sh",
		Role:  envReplacesBroken,
		Prove: proveEnvReplaced,
	},
	Fixed: catalog.Half{
		Says:  "the child has GREETING and everything it inherited",
		Role:  envReplacesFixed,
		Prove: proveEnvExtended,
	},
}

func proveEnvReplaced(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{
		"child: GREETING=hello",
		"child: PATH unset",
		"child: home: $HOME is not defined",
		`child: exec sh: exec: "sh": executable file not found in $PATH`,
	}, res.Events)
	t.Logf("%q", res.Events)
}

func proveEnvExtended(t childproc.T, role childproc.Role) {
	// The harness gives the child this process's PATH and HOME.
	path, home := os.Getenv("PATH"), os.Getenv("HOME")
	if home == "" {
		childproc.SkipWith(t, "HOME is not set here: nothing to inherit", role)
	}
	res := childproc.Run(t, role)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{
		"child: GREETING=hello",
		"child: PATH=" + path,
		"child: home: " + home,
		"child: exec sh: ok",
	}, res.Events)
	t.Logf("the child has GREETING=hello, the inherited PATH, home %s, and ran sh", home)
}
