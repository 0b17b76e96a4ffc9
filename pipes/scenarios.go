//go:build unix

package pipes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. Sizes are part of the
// scenario, so the proofs derive their expectations from them.

// OneMiB is far more than a pipe holds, so the writer must block.
const OneMiB = 1 << 20

// SmallOutput fits in the pipe, so the writer never blocks.
const SmallOutput = 100

// EachStream is what the writer sends to stderr first, then to stdout:
// more than one pipe holds.
const EachStream = 200_000

// Input is what the parent feeds the counter.
const Input = 1000

// Script starts a background job that inherits its stdout, prints one
// line and exits: what a service's start script often does.
const Script = "sleep 3600 & echo started"

// WaitBeforeRead collects 1 MiB of output. The writer is head, which
// starts in a fraction of a Go program's time: the proof's evidence is
// the moment the pipe is full, and it comes sooner.
var WaitBeforeRead = lesson.Pair("wait-before-read", func(c code, _ []string) int {
	out, err := c.CollectOutput(exec.Command("head", "-c", strconv.Itoa(OneMiB), "/dev/zero"))
	return report(len(out), err)
})

// WaitBeforeReadOutput is the other fix the entry names: cmd.Output(),
// whose Wait runs while a goroutine of its own reads, so that its writer
// often sleeps on a full pipe while the parent is in Wait. The fixed
// proof must pass it too.
var WaitBeforeReadOutput = lesson.Role("wait-before-read/output", func([]string) int {
	out, err := exec.Command("head", "-c", strconv.Itoa(OneMiB), "/dev/zero").Output()
	return report(len(out), err)
})

// WaitBeforeReadLateReader is a correct program that a looser stuck state
// would take for the deadlock: it waits for the writer at once, while a
// goroutine starts reading only after a timer, so for a while the writer
// sleeps on a full pipe, the parent sits in Wait, and nothing reads. The
// pipe is its own, not StdoutPipe's, which Wait would close under the
// reader. The timer is the scenario, not a synchronisation: any delay
// longer than the pipe takes to fill shows it.
var WaitBeforeReadLateReader = lesson.Role("wait-before-read/late-reader", func([]string) int {
	r, w, err := os.Pipe()
	if err != nil {
		return report(0, err)
	}
	defer r.Close()
	cmd := exec.Command("head", "-c", strconv.Itoa(OneMiB), "/dev/zero")
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		return report(0, err)
	}
	read := make(chan int64)
	go func() {
		time.Sleep(20 * time.Millisecond)
		n, _ := io.Copy(io.Discard, r)
		read <- n
	}()
	err = cmd.Wait()
	return report(int(<-read), err)
})

// ReadAfterWait collects an output that fits in the pipe.
var ReadAfterWait = lesson.Pair("read-after-wait", func(c code, _ []string) int {
	out, err := c.CollectOutput(role.Command(Writer, fmt.Sprintf("stdout:%d", SmallOutput)))
	return report(len(out), err)
})

// DrainInTurn collects both streams of a writer that fills stderr first.
var DrainInTurn = lesson.Pair("drain-in-turn", collectBoth)

func collectBoth(c code, _ []string) int {
	cmd := role.Command(Writer, fmt.Sprintf("stderr:%d", EachStream), fmt.Sprintf("stdout:%d", EachStream))
	stdout, stderr, err := c.CollectBoth(cmd)
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("stdout %d bytes, stderr %d bytes", len(stdout), len(stderr))
	return 0
}

// StdinNeverClosed feeds a counter its input.
var StdinNeverClosed = lesson.Pair("stdin-never-closed", feedCounter)

func feedCounter(c code, _ []string) int {
	cmd := role.Command(counter)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := c.Feed(cmd, []byte(strings.Repeat("i", Input))); err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("fed %d bytes; the child %s", Input, out.String())
	return 0
}

// BackgroundHoldsPipe runs a script that leaves a job in the background.
var BackgroundHoldsPipe = lesson.Pair("background-holds-pipe", func(c code, _ []string) int {
	out, err := c.RunScript(exec.Command("/bin/sh", "-c", Script))
	role.Emitf("output %q", out)
	if errors.Is(err, exec.ErrWaitDelay) {
		role.Emit("error is exec.ErrWaitDelay")
	}
	return 0
})

// StderrLost asks why a command failed.
var StderrLost = lesson.Pair("stderr-lost", func(c code, _ []string) int {
	role.Emit(c.FailureReason(role.Command(failer)))
	return 0
})

// LeakedDescriptor tells a reader it is done while a helper runs.
var LeakedDescriptor = lesson.Pair("leaked-descriptor", notifyReader)

func notifyReader(c code, _ []string) int {
	helper := role.Command(idle)
	got, err := c.NotifyDone(helper)
	if helper.Process != nil {
		helper.Process.Kill()
		helper.Wait()
	}
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("read %q, then EOF", got)
	return 0
}

// The logger's output: a few short lines, one line longer than a
// bufio.Scanner takes (bufio.MaxScanTokenSize, 64 KiB), and more short
// lines than a pipe holds.
const (
	LinesBefore = 3
	LongLine    = 100_000
	LinesAfter  = 10_000
)

// ScannerGivesUp reads a logger's output line by line.
var ScannerGivesUp = lesson.Pair("scanner-gives-up", func(c code, _ []string) int {
	cmd := role.Command(logger)
	lines, err := c.ReadLines(cmd)
	role.Emitf("%d lines, error: %v; the logger: %v", len(lines), err, cmd.ProcessState)
	return 0
})

// SessionWaitDelay is the WaitDelay the caller of RunSession sets. It is
// as short as shows that no WaitDelay helps.
const SessionWaitDelay = 10 * time.Millisecond

// ExitCommand is what the client types: the shell exits on it.
const ExitCommand = "exit\n"

// BlockingStdin runs a shell for a client connected over TCP. The client
// types what this process reads on its stdin, and stays connected.
var BlockingStdin = lesson.Pair("blocking-stdin", func(c code, _ []string) int {
	session, client, err := connect()
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	defer client.Close()
	go io.Copy(client, os.Stdin)
	cmd := role.Command(shell)
	cmd.WaitDelay = SessionWaitDelay
	err = c.RunSession(cmd, session)
	role.Emitf("the session ended: %v; the shell: %v", err, cmd.ProcessState)
	return 0
})

// connect returns the two ends of a TCP connection on the loopback: the
// server's session and the client.
func connect() (session, client net.Conn, err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	if session, err = l.Accept(); err != nil {
		client.Close()
		return nil, nil, err
	}
	return session, client, nil
}

// Rejected is how many searches PipeBeforeCheck turns down.
const Rejected = 100

// PipeBeforeCheck turns down Rejected searches for an empty pattern, with
// the garbage collector off, as a busy process is between two
// collections. Then it waits for the end of its stdin, so that the parent
// can count its descriptors.
var PipeBeforeCheck = lesson.Pair("pipe-before-check", func(c code, _ []string) int {
	debug.SetGCPercent(-1)
	var err error
	for range Rejected {
		_, err = c.Search(exec.Command("grep", "-n"), "")
	}
	role.Emitf("rejected %d searches: %v", Rejected, err)
	io.Copy(io.Discard, os.Stdin)
	return 0
})

// NoAnswer is the prompt's exit status when its stdin ends before an
// answer.
const NoAnswer = 4

// Answer is what the user has typed: it waits on the terminal before the
// prompt asks.
const Answer = "y\n"

// StdinDevNull runs a prompt on this process's terminal: its stdin.
var StdinDevNull = lesson.Pair("stdin-dev-null", func(c code, _ []string) int {
	cmd := role.Command(prompt)
	err := c.RunInteractive(cmd)
	if cmd.ProcessState == nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("the prompt: %v", cmd.ProcessState)
	return 0
})

// ExtraFilesNumber hands a listener to a server, connects to it, and
// reports who answered: the server, or nobody because it exited.
var ExtraFilesNumber = lesson.Pair("extra-files-number", func(c code, _ []string) int {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	defer l.Close()
	server := role.Command(fdServer)
	var complaint bytes.Buffer
	server.Stderr = &complaint
	if err := c.HandOver(server, l); err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("told the server %s", strings.Join(server.Args[1:], " "))
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()

	// The connection waits in the listener's queue until someone accepts
	// it. Only the server can: this process never calls Accept.
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		server.Process.Kill()
		<-exited
		role.Emitf("error: %v", err)
		return 1
	}
	defer conn.Close()
	answered := make(chan string, 1)
	go func() { who, _ := io.ReadAll(conn); answered <- string(who) }()
	select {
	case err := <-exited:
		role.Emitf("the server exited (%v): %s", err, strings.TrimSpace(complaint.String()))
	case who := <-answered:
		role.Emitf("the server answered: it is %s", whose(who, server.Process.Pid))
		server.Process.Kill()
		<-exited
	}
	return 0
})

// whose names the answer: the server's pid, or what else came.
func whose(answer string, server int) string {
	if answer == strconv.Itoa(server) {
		return "the server's own pid"
	}
	return fmt.Sprintf("%q, not the server's pid %d", answer, server)
}

// Question is the line the parent sends the filter, tr, which answers it
// in capitals.
const Question = "is anyone there?"

// BlockBuffered asks a filter one question and waits for its answer.
var BlockBuffered = lesson.Pair("block-buffered", askFilter)

func askFilter(c code, _ []string) int {
	cmd := c.LineFilter("tr", "a-z", "A-Z")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return report(0, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return report(0, err)
	}
	if err := cmd.Start(); err != nil {
		return report(0, err)
	}
	fmt.Fprintln(stdin, Question)
	role.Emit("asked")
	answer, err := bufio.NewReader(stdout).ReadString('\n')
	role.Emitf("answer %q, error %v", answer, err)
	stdin.Close()
	role.Emitf("the filter: %v", cmd.Wait())
	return 0
}
