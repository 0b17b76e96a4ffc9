//go:build unix

package proofs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// NotifyOSKill is the cleanup that waits for a signal it never asked for.
var NotifyOSKill = catalog.Entry{
	ID:    "signals/notify-os-kill",
	Title: "signal.Notify(c, os.Kill) never fires, and the SIGTERM it was meant for kills the program",
	Symptom: "After `kill`, systemctl stop or docker stop, the program is gone without its shutdown log, " +
		"and it leaves its lock file (or socket, or pid file) behind: the next start refuses to run.",
	Cause: "os.Kill is SIGKILL, which the kernel never lets a process catch, so the channel never hears it. " +
		"What `kill` sends is SIGTERM, which nobody asked for: the runtime's default action ends the process " +
		"before any cleanup runs.",
	Fix: "Ask for syscall.SIGTERM (with os.Interrupt). Nothing runs on SIGKILL, so keep what it would leave " +
		"harmless: write files by rename, and let whoever finds a lock file check whether the pid in it is alive.",
	Sources: []string{"000 §13"},
	Refs: []string{"golang/go#13080", "dominikh/go-staticcheck#26", "go-task/task#476",
		"charmbracelet/crush#2285", "jwilder/dockerize#326"},
	Func: "RunLocked",
	Lint: "staticcheck: SA1016 (TestStaticcheckFlagsNotifyKill)",
	Test: "TestNotifyOSKill",
	Quiz: catalog.Quiz{
		Scenario: "the child holds a lock file and asks signal.Notify to be told of os.Interrupt and os.Kill, then gets SIGTERM",
		Wrong:    "the channel hears the SIGTERM as os.Kill, the lock file is removed and the process exits 0",
	},
	Roles: signals.NotifyOSKill,
	Broken: catalog.Half{
		Says:  "SIGTERM kills the process (143), the channel never hears a thing and the lock file stays",
		Prove: proveLockLeft,
	},
	Fixed: catalog.Half{
		Says:  "SIGTERM reaches the channel, the lock file is removed and the process exits 0",
		Prove: proveLockRemoved,
	},
	Diagram: `sequenceDiagram
    participant T as test (kill)
    participant C as child
    C->>C: create app.lock
    C->>C: Notify(c, os.Interrupt, os.Kill), fixed: SIGTERM
    C-->>T: ready
    T->>C: SIGTERM
    alt broken
        C->>C: no channel wants it, killed (143)
        Note over C: app.lock stays
    else fixed
        C->>C: c gets SIGTERM, serve returns
        C->>C: app.lock removed, exit 0
    end`,
}

// startLocked starts r holding a lock file in a directory of the test's,
// and returns the child, once ready, and the lock file's path. The file
// names the child's pid. The child needs no time bound: the proof's
// SIGTERM ends it, whichever code it runs.
func startLocked(t childproc.T, r role.Role) (*childproc.Proc, string) {
	t.Helper()
	lock := filepath.Join(childproc.TempDir(t), signals.LockFile)
	p := childproc.Start(t, r, childproc.Args(lock))
	p.WaitReady(t)
	b, err := os.ReadFile(lock)
	require.NoError(t, err, "the child holds its lock file")
	require.Equal(t, fmt.Sprintln(p.Pid), string(b), "the lock file names the child")
	return p, lock
}

// SigCgt shows what the Notify call asked of the kernel: SIGTERM is
// caught (by the runtime, which catches it in every Go program), SIGKILL
// is not, and never can be.
func proveLockLeft(t childproc.T, r role.Role) {
	p, lock := startLocked(t, r)
	require.False(t, procfs.Signals(p.Pid, procfs.Caught).Has(syscall.SIGKILL), "no process catches SIGKILL")
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, syscall.SIGTERM, res.Signal, "%s; events %q", res.Status(), res.Events)
	require.Equal(t, 128+int(syscall.SIGTERM), res.ShellCode)
	require.Empty(t, res.Events, "serve never heard the signal, and RunLocked never returned")
	b, err := os.ReadFile(lock)
	require.NoError(t, err, "the lock file outlived the process")
	require.Equal(t, fmt.Sprintln(p.Pid), string(b))
	t.Logf("SIGTERM to the child that asked for os.Interrupt and os.Kill: %s, with no word from serve; "+
		"%s still names pid %d, which is gone", res.Status(), signals.LockFile, p.Pid)
}

func proveLockRemoved(t childproc.T, r role.Role) {
	p, lock := startLocked(t, r)
	p.Signal(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, []string{"stopping on " + syscall.SIGTERM.String(), "RunLocked returned <nil>"}, res.Events)
	_, err := os.Stat(lock)
	require.ErrorIs(t, err, fs.ErrNotExist, "the lock file was removed")
	t.Logf("SIGTERM to the child that asked for os.Interrupt and SIGTERM: %q, then %s; %s is gone",
		res.Events, res.Status(), signals.LockFile)
}
