//go:build unix

package childproc

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Roles for the harness's own tests.

var (
	readyThenExit = Register("childproc/ready-then-exit", func([]string) int {
		Ready()
		Emit("working")
		return 0
	})

	hang = Register("childproc/hang", func([]string) int {
		Ready()
		blockForever()
		return 0
	})

	dieEarly = Register("childproc/die-early", func([]string) int {
		fmt.Fprintln(os.Stderr, "config file missing")
		return 3
	})

	// leaveGrandchild starts a grandchild in its own group and exits
	// without waiting for it: the grandchild outlives it.
	leaveGrandchild = Register("childproc/leave-grandchild", func([]string) int {
		cmd := Command(hang)
		if err := cmd.Start(); err != nil {
			return 1
		}
		EmitPID("grandchild", cmd.Process.Pid)
		return 0
	})

	// waitGrandchild is the control: it waits for its grandchild.
	waitGrandchild = Register("childproc/wait-grandchild", func([]string) int {
		if err := Command(readyThenExit).Run(); err != nil {
			return 1
		}
		return 0
	})

	// escapeGroup starts a grandchild in a new session, out of the
	// harness's group, and exits.
	escapeGroup = Register("childproc/escape-group", func([]string) int {
		cmd := Command(hang)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			return 1
		}
		EmitPID("daemon", cmd.Process.Pid)
		return 0
	})
)

// blockForever waits for a SIGTERM that the tests never send: a process
// that only a signal ends, as a hung program is.
func blockForever() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM)
	<-c
}
