package signals

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// becomeShell replaces the child with shell running script, in which APP
// stands for the listener's command line. The child's pid becomes the
// shell's, as in a container whose entrypoint is a shell: the test's
// signals go to the shell, as docker stop's go to PID 1. The listener, a
// process of its own under the shell, reports through the control pipe.
func becomeShell(shell, script string) int {
	shareControl()
	app := childproc.Command(listener, "TERM")
	line := "'" + app.Path + "' TERM" // the test binary's path holds no quote
	err := syscall.Exec(shell, []string{filepath.Base(shell), "-c", strings.ReplaceAll(script, "APP", line)}, app.Env)
	return fail(err)
}

var shellWrapperBroken, shellWrapperFixed = pair("signals/shell-wrapper", func(c code, _ []string) int {
	return becomeShell("/bin/sh", c.EntrypointScript("APP"))
})

// wrapper runs any shell and script, for TestShellWrappers.
var wrapper = childproc.Register("signals/wrapper", func(args []string) int {
	return becomeShell(args[0], args[1])
})

// ShellWrapper is the docker stop problem of 001 Q25.
var ShellWrapper = catalog.Entry{
	ID:    "signals/shell-wrapper",
	Title: "A shell wrapper swallows SIGTERM: the program under it is never told",
	Symptom: "docker stop takes its full 10 s and ends in SIGKILL; the program never runs its shutdown. " +
		"Outside a container, `kill` on the wrapper leaves the program running.",
	Cause: "`sh -c 'app'` with Debian's /bin/sh (dash) forks app and waits. SIGTERM goes to the shell's pid; " +
		"the shell has no trap and dies of it, and app, in another process, never hears it.",
	Fix:     "`exec app` in the script (or the exec form ENTRYPOINT [\"app\"]): the shell becomes app, same pid, and app gets the signal.",
	Sources: []string{"001 Q9", "001 Q25"},
	Refs:    []string{"Docker docs: ENTRYPOINT shell form vs exec form"},
	Func:    "EntrypointScript",
	Test:    "TestShellWrapper",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "SIGTERM kills the shell; the program under it runs on, orphaned, never told",
		Role:  shellWrapperBroken,
		Prove: proveShellSwallows(),
	},
	Fixed: catalog.Half{
		Says:  "with exec the program is the shell's process and gets the SIGTERM itself",
		Role:  shellWrapperFixed,
		Prove: proveShellExecs(),
	},
}

func proveShellSwallows(opts ...childproc.Option) func(t childproc.T, role childproc.Role) {
	return func(t childproc.T, role childproc.Role) { shellSwallows(t, role, opts...) }
}

func proveShellExecs(opts ...childproc.Option) func(t childproc.T, role childproc.Role) {
	return func(t childproc.T, role childproc.Role) { shellExecs(t, role, opts...) }
}

func shellSwallows(t childproc.T, role childproc.Role, opts ...childproc.Option) {
	p := childproc.Start(t, role, opts...)
	app := p.AwaitPID(t, "listener")
	require.NotEqual(t, p.Pid, app, "the shell forked the program")
	assert.Equal(t, p.Pid, childproc.Parent(app))
	p.Signal(t, syscall.SIGTERM)
	<-p.Done()
	require.True(t, childproc.Alive(app), "the program outlived the shell")
	parent := childproc.Parent(app)
	assert.Equal(t, os.Getpid(), parent, "re-parented to the test, the nearest subreaper")
	assert.NotContains(t, p.Events(), "listener got SIGTERM")
	p.KillGroup(t) // the program was left behind on purpose
	res := p.Wait(t)
	require.Equal(t, syscall.SIGTERM, res.Signal, res.Status())
	t.Logf("the shell forked program %d under shell %d; SIGTERM to the shell: shell %s, program still running, parent now %d, never told",
		app, p.Pid, res.Status(), parent)
}

func shellExecs(t childproc.T, role childproc.Role, opts ...childproc.Option) {
	p := childproc.Start(t, role, opts...)
	app := p.AwaitPID(t, "listener")
	require.Equal(t, p.Pid, app, "exec: the program has the shell's pid")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	assert.Contains(t, res.Events, "listener got SIGTERM")
	require.Equal(t, listenerExit, res.ExitCode, res.Status())
	t.Logf("the program is pid %d itself; SIGTERM reached it and it exited %d", app, res.ExitCode)
}
