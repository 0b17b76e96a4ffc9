//go:build unix

package pipes

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"procbugs/helpers/childproc"
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
}

var (
	_ code = Broken{}
	_ code = Fixed{}
)

// pair registers the broken and the fixed role of one entry: the same
// scenario, run once with each file's code.
func pair(id string, scenario func(c code) int) (broken, fixed childproc.Role) {
	broken = childproc.Register(id+"/broken", func([]string) int { return scenario(Broken{}) })
	fixed = childproc.Register(id+"/fixed", func([]string) int { return scenario(Fixed{}) })
	return broken, fixed
}

// report ends a scenario: the byte count on success, the error otherwise.
func report(n int, err error) int {
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("read %d bytes", n)
	return 0
}

// The grandchildren: small programs the code under study runs.

// writer writes to its stdout and stderr, in the order given, as many
// bytes as each "stream:bytes" argument says.
var writer = childproc.Register("pipes/writer", func(args []string) int {
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
var counter = childproc.Register("pipes/counter", func([]string) int {
	n, err := io.Copy(io.Discard, os.Stdin)
	if err != nil {
		return 1
	}
	fmt.Printf("counted %d bytes", n)
	return 0
})

// failer fails the way git does: a message on stderr, then exit 128.
// With a size argument the message is that many bytes long.
var failer = childproc.Register("pipes/failer", func(args []string) int {
	msg := "fatal: repository not found\n"
	if len(args) > 0 {
		n, _ := strconv.Atoi(args[0])
		msg = strings.Repeat("e", n)
	}
	os.Stderr.WriteString(msg)
	return 128
})

// idle is a long-lived helper: it does nothing until SIGTERM or SIGKILL.
var idle = childproc.Register("pipes/idle", func([]string) int {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	return 0
})

// interleaver writes two lines to each stream, alternating.
var interleaver = childproc.Register("pipes/interleaver", func([]string) int {
	os.Stdout.WriteString("o1\n")
	os.Stderr.WriteString("e1\n")
	os.Stdout.WriteString("o2\n")
	os.Stderr.WriteString("e2\n")
	return 0
})

// descriptors prints what each of its descriptors from 0 to 4 refers to.
var descriptors = childproc.Register("pipes/descriptors", func([]string) int {
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
var server = childproc.Register("pipes/server", func([]string) int {
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		return 1
	}
	for {
		conn, err := l.Accept()
		if err != nil {
			return 1
		}
		fmt.Fprintf(conn, "%d", os.Getpid())
		conn.Close()
	}
})

// fixedBound is how long a fixed half may take. It finishes in
// milliseconds; in exercise mode a broken half that still hangs fails
// after this long.
const fixedBound = 3 * time.Second
