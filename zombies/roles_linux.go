package zombies

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	Launch(cmd *exec.Cmd) error
	AdoptOrphans(ctx context.Context) error
	Reap(ctx context.Context)
	RunChild(cmd *exec.Cmd) error
	Init(cmd *exec.Cmd) int
	Supervise(ctx context.Context, newCmd func(context.Context) *exec.Cmd, b Backoff) error
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

// exitWith is the simplest grandchild: it exits at once with the status
// its argument names.
var exitWith = childproc.Register("zombies/exit", func(args []string) int {
	code, err := strconv.Atoi(args[0])
	if err != nil {
		return 2
	}
	return code
})

// forker makes orphans: it starts as many /bin/true as its argument says,
// waits until every one has exited without reaping it (waitid with
// WNOWAIT), prints their pids and exits. Its zombies are re-parented to
// whoever adopts orphans, who must reap them.
var forker = childproc.Register("zombies/forker", func(args []string) int {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 2
	}
	for range n {
		cmd := exec.Command("/bin/true")
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "forker:", err)
			return 1
		}
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
			fmt.Fprintln(os.Stderr, "forker:", err)
			return 1
		}
		fmt.Println(cmd.Process.Pid)
	}
	return 0
})

// blockForever parks the calling goroutine on a pipe that never gets a
// byte. A child that has shown what it must waits here for the harness to
// end it; the runtime does not take a goroutine parked on a pipe for a
// deadlock.
func blockForever() {
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	defer w.Close()
	r.Read(make([]byte, 1))
}

// fail reports an error the scenario did not expect and gives the exit
// status for it.
func fail(what string, err error) int {
	childproc.Emitf("error: %s: %v", what, err)
	return 1
}
