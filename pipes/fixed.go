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
	"time"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// CollectOutput runs cmd and returns what it wrote to stdout.
//
// It reads to EOF first and only then calls Wait, which closes the pipe
// (os/exec: "It is thus incorrect to call Wait before all reads from the
// pipe have completed"). cmd.Output() does the same in one call.
func (Fixed) CollectOutput(cmd *exec.Cmd) ([]byte, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(stdout)
	if err != nil {
		return nil, stopAndReap(cmd, err)
	}
	return out, cmd.Wait()
}

// CollectBoth runs cmd and returns its stdout and its stderr.
//
// It drains stderr in a goroutine while it drains stdout, so neither pipe
// can fill up. cmd.Output with cmd.Stderr set to a buffer does the same.
func (Fixed) CollectBoth(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
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
	var errErr error
	done := make(chan struct{})
	go func() { stderr, errErr = io.ReadAll(errPipe); close(done) }()
	stdout, err = io.ReadAll(outPipe)
	<-done
	if err = errors.Join(err, errErr); err != nil {
		return nil, nil, stopAndReap(cmd, err)
	}
	return stdout, stderr, cmd.Wait()
}

// Feed runs cmd with input on its stdin.
//
// Closing the pipe after the last write is what tells the child that the
// input has ended. Setting cmd.Stdin to a bytes.Reader does it for you.
func (Fixed) Feed(cmd *exec.Cmd, input []byte) error {
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
	stdin.Close()
	return cmd.Wait()
}

// RunScript runs a script and returns its output.
//
// WaitDelay bounds how long Wait waits for the pipes once the script has
// exited; then it closes them and returns exec.ErrWaitDelay with the
// output read so far. Without a Context it kills nothing: the background
// process lives on (exec.go, Cmd.WaitDelay).
func (Fixed) RunScript(cmd *exec.Cmd) ([]byte, error) {
	cmd.WaitDelay = 100 * time.Millisecond
	return cmd.Output()
}

// FailureReason runs cmd and, if it fails, says why in the child's words.
//
// Output captures stderr into ExitError.Stderr when cmd.Stderr is nil
// (the first and last 32 KiB of it).
func (Fixed) FailureReason(cmd *exec.Cmd) string {
	_, err := cmd.Output()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return fmt.Sprintf("exit %d: %q", exitErr.ExitCode(), exitErr.Stderr)
	}
	return fmt.Sprint(err)
}

// NotifyDone starts a long-lived helper, then tells a reader it is done by
// closing a pipe, and returns what the reader saw before EOF.
//
// os.Pipe opens both ends with O_CLOEXEC (os/pipe2_unix.go), as every
// os.Open does, so the helper's exec closes its copies and ours is the
// last write end.
func (Fixed) NotifyDone(helper *exec.Cmd) ([]byte, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
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
// It checks sc.Err() when Scan stops: a line too long for the Scanner
// (bufio.ErrTooLong) is reported, not taken for EOF. And it keeps
// draining the pipe, so that the child can write the rest and exit, before
// it calls Wait. A larger limit (sc.Buffer) only moves the line that
// trips it.
func (Fixed) ReadLines(cmd *exec.Cmd) ([]string, error) {
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
	if err := sc.Err(); err != nil {
		if _, drainErr := io.Copy(io.Discard, stdout); drainErr != nil {
			return lines, stopAndReap(cmd, errors.Join(err, drainErr))
		}
		return lines, errors.Join(err, cmd.Wait())
	}
	return lines, cmd.Wait()
}

// RunSession runs cmd with a client's session as its input, and ends the
// session once the command has ended.
//
// The copy from the session is ours, not os/exec's: Wait waits for the
// child alone and closes the pipe. Closing the session then ends the
// copy's Read (it does for a net.Conn and an io.Pipe), and the copy is
// waited for. Go 1.27's os/exec documents this recipe under Cmd.Stdin.
func (Fixed) RunSession(cmd *exec.Cmd, session io.ReadCloser) error {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		session.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		session.Close()
		return err
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(stdin, session)
		stdin.Close()
		close(copied)
	}()
	err = cmd.Wait()
	session.Close()
	<-copied
	return err
}

// Search runs cmd, a search program, for pattern and returns its output.
//
// The pattern is checked before anything is opened. From StdoutPipe on,
// only Start (or Wait) closes the two ends; closing the reader it returns
// would close one of them.
func (Fixed) Search(cmd *exec.Cmd, pattern string) ([]byte, error) {
	if err := checkPattern(pattern); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
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
// Stdin is connected too: an *os.File is handed to the child as it is,
// so the program reads the user's terminal.
func (Fixed) RunInteractive(cmd *exec.Cmd) error {
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// HandOver starts server with l, and tells it which descriptor that is.
// The server runs on; the caller waits for it.
//
// It tells the server the number the descriptor will have there:
// ExtraFiles[i] is descriptor 3+i in the child (exec.go, Cmd.ExtraFiles).
func (Fixed) HandOver(server *exec.Cmd, l *net.TCPListener) error {
	f, err := l.File()
	if err != nil {
		return err
	}
	defer f.Close()
	fd := 3 + len(server.ExtraFiles)
	server.ExtraFiles = append(server.ExtraFiles, f)
	server.Args = append(server.Args, "--listen-fd", strconv.Itoa(fd))
	return server.Start()
}

// LineFilter makes the command for a filter that answers each line of
// input with a line of output, such as tr or a REPL, for a caller that
// waits for each answer before it sends more.
//
// It runs the filter under stdbuf -oL, which has the C library flush at
// every newline. Programs that do their own buffering need their own
// switch instead (python3 -u, grep --line-buffered), or a pseudo-terminal.
func (Fixed) LineFilter(name string, args ...string) *exec.Cmd {
	return exec.Command("stdbuf", append([]string{"-oL", name}, args...)...)
}
