//go:build linux

package proofs

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// StalePidfile is the pidfile of 000 §16 once its daemon has died.
var StalePidfile = catalog.Entry{
	ID:    "pgroups/stale-pidfile",
	Title: "Signalling the pid in a stale pidfile hits whatever process has that pid now",
	Symptom: "\"reload\" or \"stop\" kills an unrelated process: the daemon had crashed, and its pid had " +
		"been given to someone else.",
	Cause: "A pid names a process only while it lives (and until it is reaped). The kernel recycles free " +
		"pids; FindProcess never fails on Unix and Signal reaches whatever holds the number.",
	Fix: "Record the start time with the pid (field 22 of /proc/pid/stat), take a handle first " +
		"(os.FindProcess opens a pidfd on Linux since Go 1.23), then check the start time: a handle " +
		"whose start time matches is the daemon, and a later recycling cannot redirect it.",
	Sources: []string{"000 §16", "001 Q20"},
	Refs:    []string{"pidfd_open(2)", "proc_pid_stat(5): starttime", "os/exec_unix.go, findProcess"},
	Func:    "SignalPidfile",
	Test:    "TestStalePidfile",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a daemon has died and a stranger now has its pid; the child signals the pid in the daemon's pidfile",
		AskFixed: true,
		Wrong:    "os.FindProcess fails for the dead daemon's pid, so nothing is sent",
	},
	Roles: pgroups.StalePidfile,
	Broken: catalog.Half{
		Says:  "the SIGTERM meant for a dead daemon kills the stranger that got its pid",
		Prove: proveStrangerKilled,
	},
	Fixed: catalog.Half{
		Says:  "the start time shows the pid was recycled, and nothing is sent",
		Prove: proveStrangerSpared,
	},
	Diagram: `sequenceDiagram
    participant C as child (pid 1 of a PID namespace)
    participant D as daemon (pid N)
    participant X as stranger (pid N again)
    C->>D: Start, write the pidfile
    C->>D: SIGKILL, reap
    Note over C: ns_last_pid = N - 1
    C->>X: Start: it gets pid N
    Note over C,X: broken: FindProcess(N).Signal kills X
    Note over C,X: fixed: start time differs, refuse`,
}

// namespaces gives a child PID and mount namespaces of its own: directly
// as root, else inside a user namespace that maps the test's user to root
// there (user_namespaces(7)).
func namespaces(a *syscall.SysProcAttr) {
	a.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	if os.Geteuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
}

// recyclePid runs the scenario in namespaces of its own, where it makes
// the kernel give the dead daemon's pid to a stranger, and checks that the
// stranger really got it. Where the kernel refuses the namespaces, or a
// step of the set-up inside them, the proof skips and says so.
func recyclePid(t childproc.T, r role.Role) (res childproc.Result, pid int) {
	probe := exec.Command("true")
	probe.SysProcAttr = &syscall.SysProcAttr{}
	namespaces(probe.SysProcAttr)
	if err := probe.Run(); err != nil {
		childproc.SkipWith(t, "the kernel refuses new PID and mount namespaces here (they need root, or user namespaces): "+err.Error(), r)
	}
	p := childproc.Start(t, r, childproc.Args(childproc.TempDir(t)), childproc.Timeout(childproc.FinishBound),
		childproc.Attr(namespaces))
	if setup := p.Await(t, "setup"); strings.HasPrefix(setup, "setup refused: ") {
		p.Wait(t)
		childproc.SkipWith(t, "the kernel refuses to let a namespace recycle a pid here: "+strings.TrimPrefix(setup, "setup refused: "), r)
	}
	p.Await(t, "stranger ended: ")
	res = p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	daemon, stranger := PidsIn(res.Events, "daemon"), PidsIn(res.Events, "stranger")
	require.Len(t, daemon, 1, res.Events)
	require.Equal(t, daemon, stranger, "the stranger got the dead daemon's pid")
	require.Contains(t, res.Events, "daemon ended: signal: killed")
	return res, daemon[0]
}

func proveStrangerKilled(t childproc.T, r role.Role) {
	res, pid := recyclePid(t, r)
	require.Contains(t, res.Events, "signal the pidfile's daemon: nil")
	require.Equal(t, "stranger ended: signal: terminated", res.LastEvent())
	t.Logf("daemon %d died and its pid went to a stranger; the pidfile's SIGTERM: %s", pid, res.LastEvent())
}

func proveStrangerSpared(t childproc.T, r role.Role) {
	res, pid := recyclePid(t, r)
	refusal := res.Events[len(res.Events)-2]
	require.True(t, strings.HasPrefix(refusal, fmt.Sprintf("signal the pidfile's daemon: stale pidfile: pid %d started at tick ", pid)), refusal)
	require.Equal(t, "stranger ended: signal: killed", res.LastEvent(), "no SIGTERM reached it: the scenario's own SIGKILL ended it")
	t.Logf("daemon %d died and its pid went to a stranger; %s", pid, strings.TrimPrefix(refusal, "signal the pidfile's daemon: "))
}
