//go:build unix

package pipes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims about pipes that no entry covers.
// Each runs the claim in a child process; claims_test.go watches it.

// MergedStderr (C025): after StdoutPipe, cmd.Stdout is the pipe's write
// end, so cmd.Stderr = cmd.Stdout merges both streams into one pipe.
var MergedStderr = lesson.Role("claim/merged-stderr", func([]string) int {
	cmd := role.Command(Writer, fmt.Sprintf("stderr:%d", EachStream), fmt.Sprintf("stdout:%d", EachStream))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 1
	}
	cmd.Stderr = cmd.Stdout
	role.Emitf("cmd.Stdout is %T", cmd.Stdout)
	if err := cmd.Start(); err != nil {
		return 1
	}
	n, err := io.Copy(io.Discard, out)
	role.Emitf("read %d bytes, copy error %v, wait error %v", n, err, cmd.Wait())
	return 0
})

// OutputDrains (C027): Output and CombinedOutput drain both pipes, each
// sent more than a pipe holds, stderr first.
var OutputDrains = lesson.Role("claim/output-drains", func([]string) int {
	args := []string{fmt.Sprintf("stderr:%d", EachStream), fmt.Sprintf("stdout:%d", EachStream)}
	out, err := role.Command(Writer, args...).Output()
	role.Emitf("Output: %d bytes, error %v", len(out), err)
	both, err := role.Command(Writer, args...).CombinedOutput()
	role.Emitf("CombinedOutput: %d bytes, error %v", len(both), err)
	return 0
})

// LongStderr is the length of the failure message ExitErrorStderr asks for.
const LongStderr = 200_000

// ExitErrorStderr (C028): ExitError.Stderr is filled only by Output with
// a nil cmd.Stderr, and keeps only its first and last 32 KiB.
var ExitErrorStderr = lesson.Role("claim/exit-error-stderr", func([]string) int {
	var ee *exec.ExitError
	_, err := role.Command(failer, strconv.Itoa(LongStderr)).Output()
	if errors.As(err, &ee) {
		role.Emitf("nil Stderr: %d of %d bytes kept, omission noted: %t",
			len(ee.Stderr), LongStderr, bytes.Contains(ee.Stderr, []byte("omitting")))
	}
	cmd := role.Command(failer)
	cmd.Stderr = io.Discard
	_, err = cmd.Output()
	if errors.As(err, &ee) {
		role.Emitf("Stderr set: %d bytes kept", len(ee.Stderr))
	}
	return 0
})

// Combined (C029): CombinedOutput keeps both streams in write order.
var Combined = lesson.Role("claim/combined", func([]string) int {
	out, err := role.Command(interleaver).CombinedOutput()
	role.Emitf("%q %v", out, err)
	return 0
})

// StdioAndExtraFiles (C030, C051): with nil Stdin and Stdout the child
// gets /dev/null, and ExtraFiles[i] becomes descriptor 3+i.
var StdioAndExtraFiles = lesson.Role("claim/stdio", func([]string) int {
	cmd := role.Command(descriptors)
	hostname, err := os.Open("/etc/hostname")
	if err != nil {
		return 1
	}
	defer hostname.Close()
	passwd, err := os.Open("/etc/passwd")
	if err != nil {
		return 1
	}
	defer passwd.Close()
	cmd.ExtraFiles = []*os.File{hostname, passwd}
	var report bytes.Buffer
	cmd.Stderr = &report
	if err := cmd.Run(); err != nil {
		return 1
	}
	for _, line := range strings.Fields(report.String()) {
		role.Emit(line)
	}
	return 0
})

// RunReaps (C031): Run, Output and CombinedOutput wait, so the child is
// reaped: its pid is gone from /proc, not a zombie.
var RunReaps = lesson.Role("claim/run-reaps", func([]string) int {
	for _, c := range []struct {
		name string
		run  func(*exec.Cmd) error
	}{
		{"Run", (*exec.Cmd).Run},
		{"Output", func(c *exec.Cmd) error { _, err := c.Output(); return err }},
		{"CombinedOutput", func(c *exec.Cmd) error { _, err := c.CombinedOutput(); return err }},
	} {
		cmd := role.Command(interleaver)
		err := c.run(cmd)
		_, statErr := os.Stat(fmt.Sprintf("/proc/%d", cmd.Process.Pid))
		role.Emitf("%s: error %v, /proc entry gone: %t", c.name, err, errors.Is(statErr, os.ErrNotExist))
	}
	return 0
})

// Connections is how many connections each phase of Handoff makes.
const Connections = 20

// Handoff (C052, C053): a listener handed over as fd 3 serves in the
// grandchild while the parent can still accept on it. Each phase forces
// who can accept: first only the grandchild (the parent does not call
// Accept), then only the parent (the grandchild is stopped). Every
// connection is answered by whoever is accepting; the kernel keeps none
// back for the process that is not.
var Handoff = lesson.Role("claim/handoff", func([]string) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		return 1
	}
	cmd := role.Command(server)
	cmd.ExtraFiles = []*os.File{f}
	err = cmd.Start()
	f.Close()
	if err != nil {
		return 1
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	me, it := strconv.Itoa(os.Getpid()), strconv.Itoa(cmd.Process.Pid)

	role.Emitf("the parent does not accept: %s", answers(l.Addr().String(), me, it))
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		return 1
	}
	// kill(2) returns before the grandchild has stopped; the kernel says
	// when it has, and only then is it out of the race for accept.
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(cmd.Process.Pid, &ws, syscall.WUNTRACED, nil); err != nil || !ws.Stopped() {
		return 1
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			fmt.Fprint(c, me)
			c.Close()
		}
	}()
	role.Emitf("the grandchild is stopped: %s", answers(l.Addr().String(), me, it))
	return 0
})

// answers dials Connections times and counts who answered.
func answers(addr, parent, grandchild string) string {
	n := map[string]int{}
	for range Connections {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			n["failed"]++
			continue
		}
		who, _ := io.ReadAll(c)
		c.Close()
		switch string(who) {
		case parent:
			n["parent"]++
		case grandchild:
			n["grandchild"]++
		default:
			n["nobody"]++
		}
	}
	return fmt.Sprintf("parent %d, grandchild %d, other %d", n["parent"], n["grandchild"], n["nobody"]+n["failed"])
}

// ErrorPaths drives each fixed method through each of its failures, under
// role.Audit, and reports what each call left behind in this process. The
// last report is the control's: code that starts a child and never waits
// for it, which the audit must catch.
var ErrorPaths = lesson.Role("error-paths", func([]string) int {
	for _, p := range errorPaths() {
		role.Emitf("%s: %v", p.name, role.Audit(p.call))
	}
	// The control's child runs until it is killed, so that the audit finds
	// it running whenever it looks.
	forgotten := role.Command(idle)
	role.Emitf("%s: %v", AuditControl, role.Audit(func() { forgotten.Start() }))
	if forgotten.Process != nil {
		forgotten.Process.Kill()
		forgotten.Wait()
	}
	return 0
})

// AuditControl names the control of ErrorPaths.
const AuditControl = "control, Start without Wait"

// ErrorPathCount is how many failures ErrorPaths drives the fixed methods
// through, the control aside.
func ErrorPathCount() int { return len(errorPaths()) }

// An errorPath is one failure a fixed method is driven through, named
// "Method, what happens".
type errorPath struct {
	name string
	call func()
}

func errorPaths() []errorPath {
	f := Fixed{}
	missing := func() *exec.Cmd { return exec.Command("/nonexistent/program") }
	return []errorPath{
		{"CollectOutput, program missing", func() { f.CollectOutput(missing()) }},
		{"CollectOutput, child fails", func() { f.CollectOutput(role.Command(failer)) }},
		{"CollectBoth, program missing", func() { f.CollectBoth(missing()) }},
		{"CollectBoth, child fails", func() { f.CollectBoth(role.Command(failer)) }},
		{"ReadLines, program missing", func() { f.ReadLines(missing()) }},
		{"ReadLines, a line too long", func() { f.ReadLines(role.Command(logger)) }},
		{"Feed, program missing", func() { f.Feed(missing(), nil) }},
		{"Feed, child quits before reading", func() { f.Feed(role.Command(quitter), make([]byte, OneMiB)) }},
		{"RunSession, program missing", func() { session(func(s io.ReadCloser) { f.RunSession(missing(), s) }) }},
		{"RunSession, the client hangs up first", func() {
			session(func(s io.ReadCloser) { f.RunSession(role.Command(shell), s) })
		}},
		{"RunInteractive, program missing", func() { f.RunInteractive(missing()) }},
		{"RunScript, script fails", func() { f.RunScript(exec.Command("/bin/sh", "-c", "exit 3")) }},
		{"FailureReason, program missing", func() { f.FailureReason(missing()) }},
		{"Search, empty pattern", func() { f.Search(exec.Command("grep", "-n"), "") }},
		{"Search, program missing", func() { f.Search(missing(), "x") }},
		{"Search, child fails", func() { f.Search(role.Command(failer), "x") }},
		{"NotifyDone, helper missing", func() { f.NotifyDone(missing()) }},
		{"HandOver, program missing", func() {
			l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err == nil {
				f.HandOver(missing(), l)
				l.Close()
			}
		}},
	}
}

// session runs call with a session whose client has hung up. It is an
// io.Pipe, not a connection: io.Copy from a socket into a pipe splices
// through a pipe pair of its own, which internal/poll keeps in a pool for
// the next copy, and the audit would count it.
func session(call func(s io.ReadCloser)) {
	s, client := io.Pipe()
	client.Close()
	call(s)
}
