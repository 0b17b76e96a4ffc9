package proofs

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// ErrDotChange is what Go 1.19 changed in the lookup of a program through
// a relative PATH entry.
var ErrDotChange = catalog.Change{
	Since: "go1.19",
	Before: "LookPath returned a program found through a relative PATH entry (\".\", \"\", or any relative directory) " +
		"as a path relative to the working directory, and exec.Command ran it",
	After: "LookPath returns that path with an error that wraps exec.ErrDot; exec.Command keeps it in cmd.Err, and Run " +
		"fails without starting anything. GODEBUG=execerrdot=0 restores the old lookup",
	Source: "os/exec/lp_unix.go, LookPath: a match that is not absolute returns &Error{file, ErrDot} unless " +
		"execerrdot=0 (go.dev/issue/43724); os/exec/exec.go, Command: the error is stored in cmd.Err",
	Test: "envs.TestErrDot",
}

// ErrDot is a program run through "." in PATH.
var ErrDot = catalog.Entry{
	ID:    "envs/err-dot",
	Title: "exec refuses a program found through \".\" in PATH (exec.ErrDot)",
	Symptom: "exec.Command(\"tool\") fails with `exec: \"tool\": cannot run executable found relative to current directory`, " +
		"although PATH has \".\" and ./tool is there.",
	Cause: "Since Go 1.19 LookPath does not return a program that a relative PATH entry (\".\", \"\", or any relative " +
		"directory) found: whoever can write to the working directory could plant a program under a common name. " +
		"It returns exec.ErrDot, and Command stores it in cmd.Err ($GOROOT/src/os/exec/lp_unix.go, LookPath).",
	Fix: "Say which program you mean: exec.Command(\"./tool\") is not looked up at all. " +
		"GODEBUG=execerrdot=0, or clearing cmd.Err, brings back the old lookup and the planted program with it.",
	Sources: []string{"001 Q23"},
	Refs:    []string{"golang/go#43724", "https://go.dev/blog/path-security"},
	Func:    "RunLocalTool",
	Test:    "TestErrDot",
	Changes: []catalog.Change{ErrDotChange},
	Quiz: catalog.Quiz{
		Scenario: "PATH starts with \".\", and the child runs tool, which sits in its working directory",
		AskFixed: true,
		Wrong:    "Go refuses ./tool as well: it is relative to the working directory",
	},
	Roles: envs.ErrDot,
	Broken: catalog.Half{
		Says:  "Go refuses the tool that PATH finds through \".\", unless GODEBUG=execerrdot=0 lets it run",
		Prove: proveErrDot,
	},
	Fixed: catalog.Half{
		Says:  "the tool, named with its directory, runs without a PATH lookup",
		Prove: proveExplicitPathRuns,
	},
	Diagram: `sequenceDiagram
    participant C as child (PATH=.:...)
    participant X as ./tool
    C->>C: exec.Command("tool"): found through "."
    Note over C: broken: cmd.Err = ErrDot
    C->>X: exec.Command("./tool") (fixed)
    X-->>C: local tool ran`,
}

// runInToolDir runs the role in a new directory that holds the tool, with
// "." first in PATH, and reports whether the tool ran: its mark is there.
func runInToolDir(t childproc.T, r role.Role, env ...string) (events []string, toolRan bool) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh to run the tool script", r)
	}
	dir := childproc.TempDir(t)
	WriteFile(t, filepath.Join(dir, envs.ToolName), envs.LocalTool, 0o755)
	path := "." + string(os.PathListSeparator) + os.Getenv("PATH")
	env = append([]string{"PATH=" + path}, env...)
	res := childproc.Run(t, r, childproc.Dir(dir), childproc.Env(env...), childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	_, err := os.Stat(filepath.Join(dir, envs.ToolMark))
	return res.Events, err == nil
}

const ranLocalTool = "ran: local tool ran"

func proveErrDot(t childproc.T, r role.Role) {
	seen, ran := runInToolDir(t, r)
	require.Equal(t, []string{
		`error: exec: "` + envs.ToolName + `": cannot run executable found relative to current directory`,
		"errors.Is(err, exec.ErrDot) = true",
	}, seen)
	require.False(t, ran, "the tool did not run")

	old, ranOld := runInToolDir(t, r, "GODEBUG=execerrdot=0")
	require.Equal(t, []string{ranLocalTool}, old, "GODEBUG=execerrdot=0 restores the pre-1.19 lookup")
	require.True(t, ranOld, "the tool ran")
	t.Logf("PATH=.:...: %q, and the tool left no mark; with GODEBUG=execerrdot=0 the same code ran it: %q", seen[0], old[0])
}

func proveExplicitPathRuns(t childproc.T, r role.Role) {
	seen, ran := runInToolDir(t, r)
	require.Equal(t, []string{ranLocalTool}, seen)
	require.True(t, ran, "the tool ran")
	t.Logf("exec.Command(\"./%s\") with PATH=.:...: %q, and the tool left its mark", envs.ToolName, seen[0])
}
