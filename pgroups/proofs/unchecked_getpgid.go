//go:build linux

package proofs

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// UncheckedGetpgid is kill(-pgid) with a pgid that Getpgid never gave.
var UncheckedGetpgid = catalog.Entry{
	ID:    "pgroups/unchecked-getpgid",
	Title: "kill(-pgid) with Getpgid's error ignored signals PID 1",
	Symptom: "Tidying up after a worker, a service shuts itself down: in a container whose init it is, the container " +
		"stops. On a host, init gets the signal; as root, with a pgid of 1, every process does.",
	Cause: "Getpgid fails with ESRCH once the worker has been reaped, and returns -1: kill(-(-1), sig) is kill(1, sig), " +
		"PID 1 of the caller's PID namespace. A pgid of 1 would make it kill(-1, sig), every process the caller may signal.",
	Fix: "Check Getpgid's error, and that the group is above 1, before signalling -pgid. Better still, for a worker " +
		"started with Setpgid, signal -pid, its group, before reaping it.",
	Sources: []string{"000 §3", "001 Q20"},
	Refs:    []string{"nezhahq/agent#123", "containers/conmon#203", "kolide/launcher#230"},
	Func:    "SignalGroupOf",
	Test:    "TestUncheckedGetpgid",
	Quiz: catalog.Quiz{
		Scenario: "a service, PID 1 of its namespace, signals the group of a worker it has already reaped",
		AskFixed: true,
		Wrong:    "Getpgid returns the reaped worker's old group, and SIGTERM reaches that group",
	},
	Roles: pgroups.UncheckedGetpgid,
	Broken: catalog.Half{
		Says:  "the service, PID 1 of its namespace, gets the SIGTERM meant for its worker's group",
		Prove: proveInitSignalled,
	},
	Fixed: catalog.Half{
		Says:  "Getpgid's ESRCH is returned, and no signal reaches PID 1",
		Prove: proveGetpgidChecked,
	},
	Diagram: `sequenceDiagram
    participant S as service, PID 1 of its namespace
    participant W as worker (group W)
    S->>W: Start with Setpgid, Wait
    Note over W: exited and reaped
    Note over S: getpgid(W) = -1, ESRCH
    S->>S: broken: kill(-(-1)) is kill(1), SIGTERM
    Note over S: fixed: error returned, no signal`,
}

// userAndPIDNamespaces gives a child a user namespace, in which the test's
// user is root, and a PID namespace, in which the child is PID 1 and can
// signal no process outside it (pid_namespaces(7)).
func userAndPIDNamespaces(a *syscall.SysProcAttr) {
	a.Cloneflags |= syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
}

// runAsInit runs the scenario as PID 1 of a user and PID namespace of its
// own, the only place its broken code may run: there PID 1 is the child
// itself. Where the kernel refuses the namespaces, the proof skips. It
// checks the child's place and its handler, and returns the worker's pid
// once the child has reported what Getpgid says of it. The child runs
// until hold is closed.
func runAsInit(t childproc.T, r role.Role) (p *childproc.Proc, hold *os.File, worker int) {
	probe := exec.Command("true")
	probe.SysProcAttr = &syscall.SysProcAttr{}
	userAndPIDNamespaces(probe.SysProcAttr)
	if err := probe.Run(); err != nil {
		childproc.SkipWith(t, "needs a new user and PID namespace, where the broken code may signal PID 1; "+
			"the kernel refuses them here: "+err.Error(), r)
	}
	input, hold, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { hold.Close() })
	p = childproc.Start(t, r, childproc.Attr(userAndPIDNamespaces), childproc.Stdin(input),
		childproc.Timeout(childproc.FinishBound))
	input.Close() // the child holds it now
	require.Equal(t, "setup: pid 1 of a PID namespace of its own, with a SIGTERM handler", p.Await(t, "setup"))
	require.Equal(t, fmt.Sprintf("%d 1", p.Pid), procfs.StatusField(p.Pid, "NSpid"), "PID 1 of its own namespace")
	require.True(t, procfs.Signals(p.Pid, procfs.Caught).Has(syscall.SIGTERM), "a handler catches SIGTERM")
	worker = p.AwaitPID(t, "worker")
	require.Equal(t, fmt.Sprintf("getpgid(%d) = -1, ESRCH", worker), p.Await(t, "getpgid("),
		"the worker was reaped: Getpgid fails and returns -1")
	return p, hold, worker
}

// The SIGTERM the handler reports was sent by the broken code's kill(1):
// nothing else sends this child a SIGTERM.
func proveInitSignalled(t childproc.T, r role.Role) {
	p, hold, worker := runAsInit(t, r)
	sent := p.Await(t, "signal the worker's group: ")
	require.Equal(t, "signal the worker's group: nil", sent, "kill(1, SIGTERM) found its target")
	got := p.Await(t, "pid 1 got ")
	p.WaitReady(t)
	hold.Close()
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	require.Equal(t, "pid 1 got SIGTERM", got)
	t.Logf("worker %d reaped, getpgid gave -1: %s, and PID 1 of the namespace, the service itself (pid %d outside), reported %q",
		worker, sent, p.Pid, got)
}

// The fixed code returns Getpgid's error. That it sent nothing shows in
// the handler, which reported no SIGTERM by the time the child ended.
func proveGetpgidChecked(t childproc.T, r role.Role) {
	p, hold, worker := runAsInit(t, r)
	refused := p.Await(t, "signal the worker's group: ")
	require.Equal(t, fmt.Sprintf("signal the worker's group: getpgid %d: no such process", worker), refused)
	p.WaitReady(t)
	hold.Close()
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	require.False(t, res.HasEvent("pid 1 got SIGTERM"), "no signal reached PID 1: %v", res.Events)
	t.Logf("worker %d reaped: %s; PID 1 of the namespace (pid %d outside) got no signal", worker, refused, p.Pid)
}
