//go:build unix

package termination

import (
	"os"
	"os/exec"
	"testing"

	"procbugs/helpers/childproc"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	ExitWithReport(path string, results []string)
	Migrate(dir string) error
	ProcessAll(items []string) error
	Describe(err error) string
	CheckAll(t *testing.T, checks []func() error)
	RunLogged(cmd *exec.Cmd, logPath string) error
	RunExclusive(lockPath string, work func() error) error
}

var (
	_ code = Broken{}
	_ code = Fixed{}
)

// pair registers the broken and the fixed role of one entry: the same
// scenario, run once with each file's code.
func pair(id string, scenario func(c code, args []string) int) (broken, fixed childproc.Role) {
	broken = childproc.Register(id+"/broken", func(args []string) int { return scenario(Broken{}, args) })
	fixed = childproc.Register(id+"/fixed", func(args []string) int { return scenario(Fixed{}, args) })
	return broken, fixed
}

// blockForever parks the calling goroutine in a read from a pipe that no
// one writes to. Unlike select{}, it keeps the runtime from declaring a
// deadlock while the process waits for a signal: a goroutine waiting in the
// network poller counts as alive (checkdead in $GOROOT/src/runtime/proc.go).
func blockForever() {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	defer w.Close()
	r.Read(make([]byte, 1))
	panic("blockForever: the pipe was written to")
}

// report ends a scenario: exit 0 on success; the error as an event and
// exit 1 otherwise.
func report(err error) int {
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emit("ok")
	return 0
}

// executable is the running binary, which every role re-executes.
func executable() string {
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return exe
}
