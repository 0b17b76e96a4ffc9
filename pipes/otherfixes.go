//go:build linux

package pipes

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Other fixes: correct programs that differ from fixed.go, each run
// through its entry's scenario, which the fixed proofs must pass. A stuck
// state (childproc.StuckWhen) must hold for no correct program, and these
// are the ones a looser state would take for the deadlock: for a while the
// child sleeps on a pipe the parent holds, and the parent waits, yet each
// ends by itself. Each is fixed.go with one method replaced.
//
// Linux alone: the stuck states read /proc.
//
// The timers are the scenarios, not synchronisations: any delay longer
// than the child takes to block shows them.
type (
	// feedFromReader lets os/exec copy the input to stdin, and close it,
	// in a goroutine of its own while Wait waits.
	feedFromReader struct{ Fixed }
	// feedAfterTimer writes stdin only after a timer, while Wait waits.
	feedAfterTimer struct{ Fixed }
	// collectToBuffers lets os/exec read both pipes while Wait waits.
	collectToBuffers struct{ Fixed }
	// drainStderrAfterTimer starts to read stderr only after a timer,
	// while it reads stdout: for a while the writer sleeps on a full
	// stderr that nobody reads yet.
	drainStderrAfterTimer struct{ Fixed }
	// notifyOnCloexecPipe opens the pipe with close-on-exec by a raw
	// system call, and reads it in read(2), not in the runtime's poller.
	notifyOnCloexecPipe struct{ Fixed }
	// filterUnbuffered asks the filter for no buffering at all.
	filterUnbuffered struct{ Fixed }
)

var (
	StdinNeverClosedFromReader = lesson.Role("stdin-never-closed/from-reader",
		func(args []string) int { return feedCounter(feedFromReader{}, args) })
	StdinNeverClosedAfterTimer = lesson.Role("stdin-never-closed/after-timer",
		func(args []string) int { return feedCounter(feedAfterTimer{}, args) })
	DrainInTurnToBuffers = lesson.Role("drain-in-turn/to-buffers",
		func(args []string) int { return collectBoth(collectToBuffers{}, args) })
	DrainInTurnStderrAfterTimer = lesson.Role("drain-in-turn/stderr-after-timer",
		func(args []string) int { return collectBoth(drainStderrAfterTimer{}, args) })
	LeakedDescriptorCloexecPipe = lesson.Role("leaked-descriptor/cloexec-pipe",
		func(args []string) int { return notifyReader(notifyOnCloexecPipe{}, args) })
	BlockBufferedUnbuffered = lesson.Role("block-buffered/unbuffered",
		func(args []string) int { return askFilter(filterUnbuffered{}, args) })
)

func (feedFromReader) Feed(cmd *exec.Cmd, input []byte) error {
	cmd.Stdin = bytes.NewReader(input)
	return cmd.Run()
}

func (feedAfterTimer) Feed(cmd *exec.Cmd, input []byte) error {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		stdin.Write(input)
		stdin.Close()
	}()
	return cmd.Wait()
}

func (collectToBuffers) CollectBoth(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

func (drainStderrAfterTimer) CollectBoth(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	drained := make(chan []byte)
	go func() {
		time.Sleep(20 * time.Millisecond)
		b, _ := io.ReadAll(errPipe)
		drained <- b
	}()
	stdout, err = io.ReadAll(outPipe)
	stderr = <-drained
	if err != nil {
		return nil, nil, stopAndReap(cmd, err)
	}
	return stdout, stderr, cmd.Wait()
}

func (notifyOnCloexecPipe) NotifyDone(helper *exec.Cmd) ([]byte, error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	r, w := os.NewFile(uintptr(fds[0]), "done-r"), os.NewFile(uintptr(fds[1]), "done-w")
	defer r.Close()
	if err := helper.Start(); err != nil {
		w.Close()
		return nil, err
	}
	w.WriteString("done")
	w.Close()
	return io.ReadAll(r)
}

func (filterUnbuffered) LineFilter(name string, args ...string) *exec.Cmd {
	return exec.Command("stdbuf", append([]string{"-o0", name}, args...)...)
}
