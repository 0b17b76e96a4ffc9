//go:build unix

package proofs

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// PreemptionChange is what Go 1.14 changed for raw system calls.
var PreemptionChange = catalog.Change{
	Since: "go1.14",
	Before: "the runtime sent no signals of its own: a slow system call made through syscall or x/sys/unix failed " +
		"with EINTR only when the program was sent a signal it handled",
	After: "the runtime preempts a goroutine that runs too long by sending SIGURG to its thread, and when the signal " +
		"lands as that thread enters a slow system call (poll, epoll_wait, select, nanosleep, a read on FUSE) the call " +
		"fails with EINTR, in a program that never asked for a signal",
	Source: "runtime/proc.go, preemptone, and runtime/preempt.go, suspendG, call preemptM in runtime/signal_unix.go, " +
		"which sends sigPreempt (SIGURG) to the thread with signalM (tgkill, runtime/os_linux.go)",
	Test: "signals.TestRawSyscallEINTR",
}

// RawSyscallEINTR is the event loop that dies of the runtime's own signal.
var RawSyscallEINTR = catalog.Entry{
	ID:    "signals/raw-syscall-eintr",
	Title: "A raw poll or epoll_wait fails with EINTR since Go 1.14, and an event loop that gives up on it dies",
	Symptom: "Now and then an event loop, a FUSE or cgroup helper, or a netlink listener stops with " +
		"\"interrupted system call\", in a program that never handles a signal; GODEBUG=asyncpreemptoff=1 hides it.",
	Cause: "A signal handler that runs on a thread blocked in poll(2), epoll_wait(2), select(2) or nanosleep(2) makes " +
		"the call fail with EINTR, and these calls are never restarted (signal(7)). The Go runtime catches SIGURG and, " +
		"since Go 1.14, sends it to its own threads to preempt goroutines; os and net retry on EINTR, a raw call does not.",
	Fix: "Retry the raw call on EINTR (for poll and epoll_wait with no timeout, call it again; with one, " +
		"recompute what is left). Better, use os and net, which retry for you.",
	Refs: []string{"golang/go#38033", "kubernetes/kubernetes#92521", "smallnest/1m-go-tcp-server#3",
		"fstab/grok_exporter#103", "containerd/cgroups#173", "opencontainers/runc#2258", "cilium/cilium#15932"},
	Func:    "WaitReadable",
	Test:    "TestRawSyscallEINTR",
	Changes: []catalog.Change{PreemptionChange},
	Quiz: catalog.Quiz{
		Scenario: "the child waits in a raw poll for a pipe to be readable while its runtime's SIGURG reaches that thread",
		Wrong:    "the kernel restarts the poll after the signal, and WaitReadable returns once data comes",
	},
	Roles: signals.RawSyscallEINTR,
	Broken: catalog.Half{
		Says:  "SIGURG on the thread blocked in poll makes WaitReadable fail with EINTR, and the child exits 1",
		Prove: proveGivesUpOnEINTR,
	},
	Fixed: catalog.Half{
		Says:  "after SIGURG the same thread polls again, and WaitReadable returns once data comes",
		Prove: provePollsAgain,
	},
	Diagram: `sequenceDiagram
    participant T as test (for the runtime)
    participant P as child, its poller thread
    P-->>T: "poller tid=N"
    P->>P: poll(stdin), blocks
    T->>T: task N's syscall is ppoll
    T->>P: SIGURG to thread N
    P->>P: Go's handler runs, poll fails with EINTR
    alt broken
        P-->>T: "interrupted system call", exit 1
    else fixed
        P->>P: poll again
        T->>P: a byte on stdin
        P-->>T: "WaitReadable returned nil", exit 0
    end`,
}

// startPoller starts r with a pipe as its stdin, which it polls, and
// returns the child, the pipe's write end and the id of the thread that
// polls, once that thread is blocked inside poll: the moment the runtime's
// SIGURG would hurt. The child runs with asyncpreemptoff=1, so that its
// own runtime never sends it a SIGURG: the proof sends the only one.
func startPoller(t childproc.T, r role.Role) (p *childproc.Proc, stdin *os.File, tid int) {
	t.Helper()
	ThreadPidfds(t, signals.RawSyscallEINTR.Broken, signals.RawSyscallEINTR.Fixed)
	p, stdin = StartGated(t, r, childproc.Env("GODEBUG=asyncpreemptoff=1"))
	line := p.Await(t, "poller tid=")
	tid, err := strconv.Atoi(strings.TrimPrefix(line, "poller tid="))
	require.NoError(t, err, line)
	p.Until(t, "thread "+strconv.Itoa(tid)+" blocked in ppoll", func() bool {
		return procfs.ThreadSyscall(p.Pid, tid) == PollSyscall
	})
	require.True(t, procfs.Signals(p.Pid, procfs.Caught).Has(syscall.SIGURG), "the runtime catches SIGURG, its preemption signal")
	return p, stdin, tid
}

// interrupt sends SIGURG to the poller thread and waits until it has
// decided the child's fate: the child has ended, or the thread, once it
// took the signal, is inside ppoll again. Pending is read first, then the
// system call: a thread seen in ppoll after the SIGURG was taken has
// called it again. Either outcome is final: a thread back in ppoll waits
// for data only the proof can send, and an ended child stays ended. It
// reports whether the thread polls again.
func interrupt(t childproc.T, p *childproc.Proc, tid int) (pollsAgain bool) {
	t.Helper()
	SignalThread(t, p, tid, syscall.SIGURG)
	p.Until(t, "SIGURG taken, and the child ended or its thread back in ppoll", func() bool {
		return !procfs.Alive(p.Pid) ||
			!procfs.IsPending(p.Pid, syscall.SIGURG) && procfs.ThreadSyscall(p.Pid, tid) == PollSyscall
	})
	return procfs.Alive(p.Pid)
}

func proveGivesUpOnEINTR(t childproc.T, r role.Role) {
	p, _, tid := startPoller(t, r)
	require.False(t, interrupt(t, p, tid), "thread %d went back into ppoll after the SIGURG", tid)
	res := p.Wait(t)
	require.Equal(t, 1, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, "WaitReadable returned "+syscall.EINTR.Error(), res.LastEvent())
	t.Logf("thread %d blocked in ppoll got SIGURG: %q, %s", tid, res.LastEvent(), res.Status())
}

func provePollsAgain(t childproc.T, r role.Role) {
	p, stdin, tid := startPoller(t, r)
	require.True(t, interrupt(t, p, tid), "the child ended after the SIGURG: %q", p.Events())
	OpenGate(t, stdin, "data")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s; stderr:\n%s", res.Status(), res.Stderr)
	require.Equal(t, "WaitReadable returned <nil>", res.LastEvent())
	t.Logf("thread %d blocked in ppoll got SIGURG, was seen in ppoll again once it had taken it, and returned when data came: %s",
		tid, res.Status())
}
