package proofs

import (
	"fmt"
	"slices"
	"sync"
	"syscall"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// PollSyscall is the system call unix.Poll makes on Linux: ppoll(2).
const PollSyscall = unix.SYS_PPOLL

// ThreadPidfds skips the proof, before it starts anything, where the
// kernel cannot give a pidfd for one thread (PIDFD_THREAD, Linux 6.9):
// SignalThread needs one. It counts roles as accounted for.
func ThreadPidfds(t childproc.T, roles ...role.Role) {
	t.Helper()
	if err := threadPidfdsRefused(); err != nil {
		childproc.SkipWith(t, fmt.Sprintf("needs a pidfd for one thread (pidfd_open with PIDFD_THREAD, Linux 6.9), "+
			"which this kernel refuses: %v", err), roles...)
	}
}

// threadPidfdsRefused asks the kernel once, for a pidfd of the calling
// thread.
var threadPidfdsRefused = sync.OnceValue(func() error {
	fd, err := unix.PidfdOpen(unix.Gettid(), unix.PIDFD_THREAD)
	if err != nil {
		return err
	}
	return unix.Close(fd)
})

// SignalThread sends sig to thread tid of the child p alone, as the Go
// runtime sends SIGURG to the one thread whose goroutine it preempts
// (signalM in $GOROOT/src/runtime/os_linux.go, tgkill). The signal goes
// through a pidfd of that thread, opened before the checks that tid is a
// thread of p and that p has not been reaped: if the thread had ended and
// its id had been reused in between, the pidfd would name the thread that
// ended, and the signal would reach no one.
func SignalThread(t childproc.T, p *childproc.Proc, tid int, sig syscall.Signal) {
	t.Helper()
	fd, err := unix.PidfdOpen(tid, unix.PIDFD_THREAD)
	require.NoError(t, err, "a pidfd for thread %d", tid)
	defer unix.Close(fd)
	require.True(t, slices.Contains(procfs.Threads(p.Pid), tid), "%d is a thread of the child %d", tid, p.Pid)
	select {
	case <-p.Done():
		t.Fatalf("the child %d ended before its thread %d was signalled", p.Pid, tid)
	default:
	}
	require.NoError(t, unix.PidfdSendSignal(fd, sig, nil, unix.PIDFD_SIGNAL_THREAD),
		"%s to thread %d", childproc.SignalName(sig), tid)
}
