package proofs

import (
	"os"
	"os/exec"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// EnvReplaces is Cmd.Env taken for "extra variables".
var EnvReplaces = catalog.Entry{
	ID:    "envs/env-replaces",
	Title: "Cmd.Env replaces the environment instead of extending it",
	Symptom: "The child gets GREETING but loses PATH and HOME: its own exec fails with " +
		"`executable file not found in $PATH`, and os.UserHomeDir with `$HOME is not defined`.",
	Cause: "A nil Cmd.Env means \"inherit\"; a non-nil one is the child's whole environment. " +
		"A Go child does not invent a PATH (a shell does: dash falls back to a built-in default, which hides the bug in shell tests).",
	Fix: "cmd.Env = append(cmd.Environ(), \"GREETING=hello\") (or append(os.Environ(), ...)): " +
		"the inherited environment plus the additions, last value wins.",
	Sources: []string{"001 Q11"},
	Refs:    []string{"os/exec Cmd.Env doc: \"If Env is nil, the new process uses the current process's environment\""},
	Func:    "RunWithVars",
	Test:    "TestEnvReplaces",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs a Go probe and a shell, each with GREETING=hello added to its environment",
	},
	Roles: envs.EnvReplaces,
	Broken: catalog.Half{
		Says:  "the Go child has GREETING but no PATH and no HOME, and cannot exec sh; a shell makes up a PATH",
		Prove: proveEnvReplaced,
	},
	Fixed: catalog.Half{
		Says:  "the Go child and the shell have GREETING and everything they inherited",
		Prove: proveEnvExtended,
	},
	Diagram: `sequenceDiagram
    participant C as child
    participant G as Go probe
    participant S as sh
    C->>G: Env = [GREETING=hello] (broken)
    G->>G: LookPath("sh") with no PATH: not found
    G-->>C: GREETING=hello, no PATH, no HOME, exec sh failed
    C->>S: the same Env
    S->>S: makes up a PATH, runs ls`,
}

// runWithGreeting runs the scenario and returns what the Go child and the
// shell saw.
func runWithGreeting(t childproc.T, r role.Role) (goChild []string, sh string) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh", r)
	}
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 5, "%q", res.Events)
	return res.Events[:4], res.Events[4]
}

func proveEnvReplaced(t childproc.T, r role.Role) {
	goChild, sh := runWithGreeting(t, r)
	require.Equal(t, []string{
		"child: " + envs.Greeting,
		"child: PATH unset",
		"child: home: $HOME is not defined",
		`child: exec sh: exec: "sh": executable file not found in $PATH`,
	}, goChild)
	shPath, ok := strings.CutPrefix(sh, "sh: ran ls with PATH=")
	require.True(t, ok, "the shell ran ls all the same: %s", sh)
	require.NotEqual(t, os.Getenv("PATH"), shPath, "with a PATH of its own making")
	t.Logf("Cmd.Env = [%s]: the Go child had no PATH and no HOME, and could not run sh (%q); "+
		"a shell given the same made up PATH=%s and ran ls, which hides the bug in shell tests",
		envs.Greeting, goChild[3], shPath)
}

func proveEnvExtended(t childproc.T, r role.Role) {
	// The harness gives the child this process's PATH and HOME.
	path, home := os.Getenv("PATH"), os.Getenv("HOME")
	if home == "" || path == "" {
		childproc.SkipWith(t, "PATH or HOME is not set here: the child would have nothing to inherit", r)
	}
	goChild, sh := runWithGreeting(t, r)
	require.Equal(t, []string{
		"child: " + envs.Greeting,
		"child: PATH=" + path,
		"child: home: " + home,
		"child: exec sh: ok",
	}, goChild)
	require.Equal(t, "sh: ran ls with PATH="+path, sh)
	t.Logf("the Go child had %s, the inherited PATH, home %s, and ran sh; the shell ran ls with the inherited PATH", envs.Greeting, home)
}
