//go:build unix

package termination

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	ExitWithReport(path string, results []string)
	Migrate(dir string) error
	ExitWithFailures(failed int)
	ProcessAll(items []string) error
	ServeUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, drain time.Duration) error
	Describe(err error) string
	RunAndExit(cmd *exec.Cmd)
	RunJob(ctx context.Context, cmd *exec.Cmd) error
	RunWithin(cmd *exec.Cmd, limit time.Duration) error
	Abort(cmd *exec.Cmd) (syscall.WaitStatus, error)
	CheckAll(t *testing.T, checks []func() error)
	RunLogged(cmd *exec.Cmd, logPath string) error
	RunExclusive(lockPath string, work func() error) error
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// The programs the code under study starts: its grandchildren.

// victim is the grandchild whose end Describe, RunAndExit and Abort
// report: "exit:N" exits with status N, "block" waits for the signal that
// ends it.
var victim = lesson.Role("victim", func(args []string) int {
	if how, ok := strings.CutPrefix(args[0], "exit:"); ok {
		n, _ := strconv.Atoi(how)
		return n
	}
	role.BlockForever()
	return 0
})

// Running is what the job prints on its stdout once it runs.
const Running = "running"

// job prints Running on its stdout, then waits to be killed.
var job = lesson.Role("job", func([]string) int {
	fmt.Println(Running)
	role.BlockForever()
	return 0
})

// Warning is what the complainer writes to its stderr.
const Warning = "warning: disk 91% full"

// complainer says on stdout where its stderr goes, then writes Warning
// there and exits 0.
var complainer = lesson.Role("complainer", func([]string) int {
	target, err := os.Readlink("/proc/self/fd/2")
	if err != nil {
		target = "unknown (" + err.Error() + ")"
	}
	_, werr := fmt.Fprintln(os.Stderr, Warning)
	fmt.Printf("ran; stderr is %s; write error: %v", target, werr)
	return 0
})

// failer exits 3 at once.
var failer = lesson.Role("failer", func([]string) int { return 3 })

// report ends a scenario: exit 0 on success; the error as an event and
// exit 1 otherwise.
func report(err error) int {
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emit("ok")
	return 0
}
