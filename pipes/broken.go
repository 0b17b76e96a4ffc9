//go:build unix

package pipes

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

// Broken holds the pipe-handling code as it is often first written.
type Broken struct{}

// CollectOutput runs cmd and returns what it wrote to stdout.
//
// It calls Wait before reading. Once the child has written more than the
// pipe holds (64 KiB on Linux) it blocks in write, waiting for a reader
// that only comes after Wait returns: the two wait for each other forever.
// With less output there is no hang, but Wait has closed the pipe by the
// time ReadAll runs, and the output is lost.
func (Broken) CollectOutput(cmd *exec.Cmd) ([]byte, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := cmd.Wait(); err != nil {
		return nil, err
	}
	return io.ReadAll(stdout)
}

// CollectBoth runs cmd and returns its stdout and its stderr.
//
// It drains stdout to EOF before it reads stderr. A child that fills
// stderr first blocks writing it, never closes stdout, and both sides wait.
func (Broken) CollectBoth(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
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
	if stdout, err = io.ReadAll(outPipe); err != nil {
		return nil, nil, stopAndReap(cmd, err)
	}
	if stderr, err = io.ReadAll(errPipe); err != nil {
		return nil, nil, stopAndReap(cmd, err)
	}
	return stdout, stderr, cmd.Wait()
}

// Feed runs cmd with input on its stdin.
//
// It never closes the stdin pipe, so a child that reads to end of input
// waits for an EOF that never comes, and Wait waits for the child.
func (Broken) Feed(cmd *exec.Cmd, input []byte) error {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if _, err := stdin.Write(input); err != nil {
		// The child closed its input: it has ended, or will without it.
		stdin.Close()
		return errors.Join(err, cmd.Wait())
	}
	return cmd.Wait()
}

// RunScript runs a script and returns its output.
//
// A process the script left in the background inherited the stdout pipe.
// Output waits for EOF on it, which comes only when that process exits.
func (Broken) RunScript(cmd *exec.Cmd) ([]byte, error) {
	return cmd.Output()
}

// FailureReason runs cmd and, if it fails, says why in the child's words.
//
// Run discards stderr when cmd.Stderr is nil, so ExitError.Stderr is empty
// and the reason is lost.
func (Broken) FailureReason(cmd *exec.Cmd) string {
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return fmt.Sprintf("exit %d: %q", exitErr.ExitCode(), exitErr.Stderr)
	}
	return fmt.Sprint(err)
}

// NotifyDone starts a long-lived helper, then tells a reader it is done by
// closing a pipe, and returns what the reader saw before EOF.
//
// syscall.Pipe opens the pipe without close-on-exec, so the helper inherits
// a copy of the write end. Closing ours is not the last close: the reader
// never sees EOF while the helper lives.
func (Broken) NotifyDone(helper *exec.Cmd) ([]byte, error) {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
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
