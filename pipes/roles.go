package pipes

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"procbugs/helpers/childproc"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	CollectOutput(cmd *exec.Cmd) ([]byte, error)
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

// writer is the noisy grandchild: it writes to its stdout and stderr, in
// the order given, as many bytes as each "stream:bytes" argument says.
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
		if _, err := f.Write([]byte(strings.Repeat("x", size))); err != nil {
			return 1
		}
	}
	return 0
})

// report ends a scenario: the byte count on success, the error otherwise.
func report(n int, err error) int {
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("read %d bytes", n)
	return 0
}
