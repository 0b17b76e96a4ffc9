//go:build unix

package proofs

import (
	"os"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

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
	Quiz: catalog.Quiz{
		Scenario: "a container's entrypoint is a shell script that runs the program, and the shell gets SIGTERM",
		AskFixed: true,
		Wrong:    "with exec the shell forwards SIGTERM to the program, which ends with 7",
	},
	Roles: signals.ShellWrapper,
	Broken: catalog.Half{
		Says:  "SIGTERM kills the shell, and the program under it runs on, orphaned, never told",
		Prove: func(t childproc.T, r role.Role) { ShellForks(t, r) },
	},
	Fixed: catalog.Half{
		Says:  "with exec the program is the shell's process and gets the SIGTERM itself",
		Prove: func(t childproc.T, r role.Role) { ShellExecs(t, r) },
	},
	Diagram: `sequenceDiagram
    participant T as test (docker stop)
    participant Sh as sh -c (child)
    participant A as app (listener)
    alt broken: sh -c 'app'
        Sh->>A: fork and exec, then wait
        T->>Sh: SIGTERM
        Sh->>Sh: killed by SIGTERM (143)
        Note over A: orphaned, still running, never told
    else fixed: sh -c 'exec app'
        Sh->>A: exec, same pid
        T->>A: SIGTERM
        A->>A: handles it, exit 7
    end`,
}

// ShellForks proves that the shell the child became forked the program:
// SIGTERM to the shell kills it, and the program, re-parented to the
// test, takes a SIGTERM from the proof and reports it as its first.
func ShellForks(t childproc.T, r role.Role, opts ...childproc.Option) {
	t.Helper()
	p, feed := StartReporting(t, r, append([]childproc.Option{childproc.Timeout(childproc.FinishBound)}, opts...)...)
	app := PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	require.NotEqual(t, p.Pid, app, "the shell forked the program")
	require.Equal(t, p.Pid, procfs.Parent(app), "the program is the shell's child")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, syscall.SIGTERM, res.Signal, "the shell: %s", res.Status())
	require.Equal(t, os.Getpid(), procfs.Parent(app), "the program outlived the shell, re-parented to the test")
	require.NoError(t, childproc.Signal(app, syscall.SIGTERM))
	last := AwaitOrphanReport(t, feed, "listener exits after", 1)
	require.Equal(t, "listener exits after SIGURG=0 SIGTERM=1", last, "the proof's SIGTERM was the first the program got")
	p.KillGroup(t) // reaps the program, left in the shell's group on purpose
	t.Logf("the shell %d forked program %d; SIGTERM to the shell: %s; the program ran on, re-parented to the test, "+
		"and the SIGTERM the proof then sent it was the first it ever got", p.Pid, app, res.Status())
}

// ShellExecs proves that the program replaced the shell: it has the
// shell's pid and gets the SIGTERM sent there.
func ShellExecs(t childproc.T, r role.Role, opts ...childproc.Option) {
	t.Helper()
	p, feed := StartReporting(t, r, append([]childproc.Option{childproc.Timeout(childproc.FinishBound)}, opts...)...)
	app := PIDIn(t, AwaitReport(t, p, feed, "listener pid="))
	require.Equal(t, p.Pid, app, "exec: the program has the shell's pid")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, signals.ListenerExit, res.ExitCode, res.Status())
	require.Contains(t, AllReports(t, feed), "listener exits after SIGURG=0 SIGTERM=1")
	t.Logf("the program is pid %d itself; SIGTERM reached it and it exited %d", app, res.ExitCode)
}
