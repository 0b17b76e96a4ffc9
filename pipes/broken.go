//go:build unix

package pipes

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
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

// ReadLines runs cmd and returns the lines it wrote to stdout.
//
// A bufio.Scanner refuses a line longer than its 64 KiB limit: Scan returns
// false, as it does at EOF, and only sc.Err() tells the two apart. The loop
// ends, nothing reads the pipe again, and a child with more to say blocks
// on the full pipe while Wait waits for it to exit.
func (Broken) ReadLines(cmd *exec.Cmd) ([]string, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, cmd.Wait()
}

// RunSession runs cmd with a client's session as its input, and ends the
// session once the command has ended.
//
// With a Stdin that is not an *os.File, os/exec copies it to the child in
// a goroutine, and Wait waits for that goroutine. The copy waits to read
// from the session until the client sends more or hangs up, long after
// the child has exited. WaitDelay does not help: it closes the pipe the
// copy writes to, not the session it reads from.
func (Broken) RunSession(cmd *exec.Cmd, session io.ReadCloser) error {
	cmd.Stdin = session
	err := cmd.Run()
	session.Close()
	return err
}

// Search runs cmd, a search program, for pattern and returns its output.
//
// The pipe is made before the pattern is checked. A rejected pattern
// returns before Start, and nothing closes either end of the pipe: Start
// or Wait would have. They stay open until a garbage collection happens
// to run their cleanups.
func (Broken) Search(cmd *exec.Cmd, pattern string) ([]byte, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := checkPattern(pattern); err != nil {
		return nil, err
	}
	cmd.Args = append(cmd.Args, pattern)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(stdout)
	if err != nil {
		return nil, stopAndReap(cmd, err)
	}
	return out, cmd.Wait()
}

// RunInteractive runs a program that talks to the user, such as an editor
// or a prompt, on this program's terminal.
//
// It connects stdout and stderr and forgets stdin. A nil Stdin is
// /dev/null (exec.go, Cmd.Stdin), so the program's first read returns
// EOF: the prompt ends without an answer before the user can type one.
func (Broken) RunInteractive(cmd *exec.Cmd) error {
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// HandOver starts server with l, and tells it which descriptor that is.
// The server runs on; the caller waits for it.
//
// It tells the server the number the descriptor has here. ExtraFiles
// renumbers what it passes: entry i is descriptor 3+i in the child,
// whatever it was in the parent, so the server looks for its listener
// where there is none.
func (Broken) HandOver(server *exec.Cmd, l *net.TCPListener) error {
	f, err := l.File()
	if err != nil {
		return err
	}
	defer f.Close()
	fd := int(f.Fd())
	server.ExtraFiles = append(server.ExtraFiles, f)
	server.Args = append(server.Args, "--listen-fd", strconv.Itoa(fd))
	return server.Start()
}

// LineFilter makes the command for a filter that answers each line of
// input with a line of output, such as tr or a REPL, for a caller that
// waits for each answer before it sends more.
//
// It runs the filter as it is. With a pipe as stdout, not a terminal, the
// C library buffers the filter's output in blocks of 4 KiB or more: the
// answer stays in the filter until the block fills or the input ends, and
// the caller waits for it for ever.
func (Broken) LineFilter(name string, args ...string) *exec.Cmd {
	return exec.Command(name, args...)
}
