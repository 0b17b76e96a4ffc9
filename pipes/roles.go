//go:build unix

package pipes

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	CollectOutput(cmd *exec.Cmd) ([]byte, error)
	CollectBoth(cmd *exec.Cmd) (stdout, stderr []byte, err error)
	Feed(cmd *exec.Cmd, input []byte) error
	RunScript(cmd *exec.Cmd) ([]byte, error)
	FailureReason(cmd *exec.Cmd) string
	NotifyDone(helper *exec.Cmd) ([]byte, error)
	ReadLines(cmd *exec.Cmd) ([]string, error)
	RunSession(cmd *exec.Cmd, session io.ReadCloser) error
	Search(cmd *exec.Cmd, pattern string) ([]byte, error)
	RunInteractive(cmd *exec.Cmd) error
	HandOver(server *exec.Cmd, l *net.TCPListener) error
	LineFilter(name string, args ...string) *exec.Cmd
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// The programs the code under study starts: its grandchildren.

// Writer writes to its stdout and stderr, in the order given, as many
// bytes as each "stream:bytes" argument says.
var Writer = lesson.Role("writer", func(args []string) int {
	for _, a := range args {
		stream, n, _ := strings.Cut(a, ":")
		size, err := strconv.Atoi(n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "writer: bad size:", a)
			return 2
		}
		f := os.Stdout
		if stream == "stderr" {
			f = os.Stderr
		}
		if _, err := f.WriteString(strings.Repeat("x", size)); err != nil {
			return 1
		}
	}
	return 0
})

// counter reads its stdin to EOF and prints how many bytes it got.
var counter = lesson.Role("counter", func([]string) int {
	n, err := io.Copy(io.Discard, os.Stdin)
	if err != nil {
		return 1
	}
	fmt.Printf("counted %d bytes", n)
	return 0
})

// quitter exits at once without reading its stdin: a child that fails
// early, leaving its parent writing into a pipe nobody reads.
var quitter = lesson.Role("quitter", func([]string) int { return 3 })

// failer fails the way git does: a message on stderr, then exit 128.
// With a size argument the message is that many bytes long.
var failer = lesson.Role("failer", func(args []string) int {
	msg := "fatal: repository not found\n"
	if len(args) > 0 {
		n, _ := strconv.Atoi(args[0])
		msg = strings.Repeat("e", n)
	}
	os.Stderr.WriteString(msg)
	return 128
})

// idle is a long-lived helper: it does nothing until it is killed.
var idle = lesson.Role("idle", func([]string) int {
	role.BlockForever()
	return 0
})

// interleaver writes two lines to each stream, alternating.
var interleaver = lesson.Role("interleaver", func([]string) int {
	os.Stdout.WriteString("o1\n")
	os.Stderr.WriteString("e1\n")
	os.Stdout.WriteString("o2\n")
	os.Stderr.WriteString("e2\n")
	return 0
})

// descriptors prints what each of its descriptors from 0 to 4 refers to.
var descriptors = lesson.Role("descriptors", func([]string) int {
	for fd := range 5 {
		target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
		if err != nil {
			target = "closed"
		}
		fmt.Fprintf(os.Stderr, "fd%d=%s\n", fd, target)
	}
	return 0
})

// server accepts connections on the listener it inherited as fd 3 and
// answers each with its pid, until it is killed.
var server = lesson.Role("server", func([]string) int {
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	return answerWithPID(l)
})

// fdServer is server told its listener's descriptor: "--listen-fd n".
var fdServer = lesson.Role("fd-server", func(args []string) int {
	if len(args) != 2 || args[0] != "--listen-fd" {
		fmt.Fprintln(os.Stderr, "server: usage: --listen-fd n")
		return 2
	}
	fd, err := strconv.Atoi(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 2
	}
	l, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "server: fd %d: %v\n", fd, err)
		return 1
	}
	return answerWithPID(l)
})

// answerWithPID answers each connection with this process's pid.
func answerWithPID(l net.Listener) int {
	for {
		conn, err := l.Accept()
		if err != nil {
			return 1
		}
		fmt.Fprintf(conn, "%d", os.Getpid())
		conn.Close()
	}
}

// logger writes LinesBefore short lines, one line of LongLine bytes, and
// LinesAfter short lines, in one write, as a program flushing its output
// buffer does.
var logger = lesson.Role("logger", func([]string) int {
	var out strings.Builder
	for i := range LinesBefore {
		fmt.Fprintf(&out, "line %d\n", i)
	}
	out.WriteString(strings.Repeat("x", LongLine) + "\n")
	for i := range LinesAfter {
		fmt.Fprintf(&out, "line %d\n", LinesBefore+1+i)
	}
	if _, err := os.Stdout.WriteString(out.String()); err != nil {
		return 1
	}
	return 0
})

// shell reads commands from its stdin, one a line, and exits at "exit" or
// at the end of its input.
var shell = lesson.Role("shell", func([]string) int {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() == "exit" {
			return 0
		}
	}
	return 0
})

// prompt asks the user to confirm, as apt-get or an installer does. It
// exits 0 on "y", 1 on any other answer, and NoAnswer when its stdin ends
// before an answer.
var prompt = lesson.Role("prompt", func([]string) int {
	fmt.Print("Proceed? [y/N] ")
	answer, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		fmt.Println()
		return NoAnswer
	}
	if strings.TrimSpace(answer) != "y" {
		return 1
	}
	return 0
})

// report ends a scenario: the byte count on success, the error otherwise.
func report(n int, err error) int {
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("read %d bytes", n)
	return 0
}
