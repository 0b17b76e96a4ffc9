package envs

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// localTool is the program that sits in the working directory. It leaves
// a mark, so that a test can tell it ran even when its output is lost.
const localTool = "#!/bin/sh\necho ran >> ran.log\necho local tool ran\n"

// The child runs in a directory that holds ./tool, with "." in its PATH.
var errDotBroken, errDotFixed = pair("envs/err-dot", func(c code) int {
	out, err := c.RunLocalTool("tool")
	if err != nil {
		childproc.Emitf("error: %v", err)
		childproc.Emitf("errors.Is(err, exec.ErrDot) = %v", errors.Is(err, exec.ErrDot))
		return 0
	}
	childproc.Emitf("ran: %s", strings.TrimSpace(string(out)))
	return 0
})

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
	Broken: catalog.Half{
		Says:  "Go refuses ./tool found through PATH, unless GODEBUG=execerrdot=0 lets it run",
		Role:  errDotBroken,
		Prove: proveErrDot,
	},
	Fixed: catalog.Half{
		Says:  "./tool, named explicitly, runs",
		Role:  errDotFixed,
		Prove: proveExplicitPathRuns,
	},
}

// runInToolDir runs the role in a new directory that holds the tool, with
// "." first in PATH, and reports whether the tool ran.
func runInToolDir(t childproc.T, role childproc.Role, env ...string) (events []string, toolRan bool) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh to run the tool script", role)
	}
	dir := tempDir(t)
	writeFile(t, filepath.Join(dir, "tool"), localTool, 0o755)
	path := "." + string(os.PathListSeparator) + os.Getenv("PATH")
	env = append([]string{"PATH=" + path}, env...)
	res := childproc.Run(t, role, childproc.Dir(dir), childproc.Env(env...))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	_, err := os.Stat(filepath.Join(dir, "ran.log"))
	return res.Events, err == nil
}

func proveErrDot(t childproc.T, role childproc.Role) {
	seen, ran := runInToolDir(t, role)
	assert.Equal(t, []string{
		`error: exec: "tool": cannot run executable found relative to current directory`,
		"errors.Is(err, exec.ErrDot) = true",
	}, seen)
	assert.False(t, ran, "the tool did not run")

	old, ranOld := runInToolDir(t, role, "GODEBUG=execerrdot=0")
	assert.Equal(t, []string{"ran: local tool ran"}, old, "GODEBUG=execerrdot=0 restores the pre-1.19 lookup")
	assert.True(t, ranOld, "the tool ran")
	t.Logf("PATH=.:...: %q, tool ran: %v; with GODEBUG=execerrdot=0: %q, tool ran: %v", seen, ran, old, ranOld)
}

func proveExplicitPathRuns(t childproc.T, role childproc.Role) {
	seen, ran := runInToolDir(t, role)
	assert.Equal(t, []string{"ran: local tool ran"}, seen)
	assert.True(t, ran, "the tool ran")
	t.Logf("%q, tool ran: %v", seen, ran)
}
