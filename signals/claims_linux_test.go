package signals_test

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/signals"
)

// TestSignalToThreadInC checks 000 §7 and 001 Q27, "a signal that's
// expected to interrupt a syscall may be queued instead": a SIGUSR1 sent
// to the very thread blocked in read(2) inside C reaches Go's channel at
// once, and the read is not interrupted either: Go installs its handlers
// with SA_RESTART ($GOROOT/src/runtime/os_linux.go, setsig), so the
// kernel restarts it.
func TestSignalToThreadInC(t *testing.T) {
	t.Parallel()
	p := childproc.Start(t, signals.CThreadRead, childproc.Timeout(childproc.FinishBound))
	tid := 0
	_, err := fmt.Sscanf(p.Await(t, "reader tid="), "reader tid=%d", &tid)
	require.NoError(t, err)
	// Go reads its own pipes without blocking, through the poller: a
	// thread blocked in read(2) on a pipe is the C code's.
	p.Until(t, "the C thread blocks in read(2) on its pipe", func() bool {
		return len(procfs.ReadingFrom(p.Pid)) > 0 && procfs.SleepsIn(p.Pid, procfs.PipeRead)
	})
	p.Signal(t, syscall.SIGUSR2)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{fmt.Sprintf("reader tid=%d", tid), "Go channel got user defined signal 1",
		"C read returned 1, error <nil>"}, res.Events)
	t.Logf("SIGUSR1 to thread %d blocked in C read(2): %q", tid, res.Events[1:])
}
