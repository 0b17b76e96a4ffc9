//go:build unix

package selftest

// The roles: small programs that finish, hang, crash early or leave a
// process behind.

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"

	"procbugs/helpers/role"
)

const pkg = "procbugs/helpers/internal/selftest"

var (
	// ReadyThenExit is ready, reports one event, and exits 0.
	ReadyThenExit = role.Register(pkg, "selftest/ready-then-exit", func([]string) int {
		role.Ready()
		role.Emit("working")
		return 0
	})

	// Hang is ready, then blocks until it is killed.
	Hang = role.Register(pkg, "selftest/hang", func([]string) int {
		role.Ready()
		role.BlockForever()
		return 0
	})

	// DieEarly fails before it is ready, as a program whose config is
	// missing does.
	DieEarly = role.Register(pkg, "selftest/die-early", func([]string) int {
		fmt.Fprintln(os.Stderr, "config file missing")
		return 3
	})

	// LeaveGrandchild starts a grandchild in its own group and exits
	// without waiting for it: the grandchild outlives it.
	LeaveGrandchild = role.Register(pkg, "selftest/leave-grandchild", func([]string) int {
		cmd := role.Command(Hang)
		if err := cmd.Start(); err != nil {
			return 1
		}
		role.EmitPID("grandchild", cmd.Process.Pid)
		return 0
	})

	// WaitGrandchild is LeaveGrandchild's control: it waits for its own
	// child.
	WaitGrandchild = role.Register(pkg, "selftest/wait-grandchild", func([]string) int {
		if err := role.Command(ReadyThenExit).Run(); err != nil {
			return 1
		}
		return 0
	})

	// EscapeGroup starts a grandchild in a new session, out of the
	// harness's group, and exits.
	EscapeGroup = role.Register(pkg, "selftest/escape-group", func([]string) int {
		cmd := role.Command(Hang)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			return 1
		}
		role.EmitPID("daemon", cmd.Process.Pid)
		return 0
	})

	// BuildInfo reports the settings the running program was built with,
	// from inside the process under study.
	BuildInfo = role.Register(pkg, "selftest/build-info", reportBuild)

	// CgoBuildInfo is BuildInfo in the child built with cgo.
	CgoBuildInfo = role.Register(pkg, "selftest/cgo-build-info", reportBuild, role.NeedsCgo)
)

func reportBuild([]string) int {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return 1
	}
	role.Emitf("go %s", info.GoVersion)
	for _, s := range info.Settings {
		role.Emitf("setting %s=%s", s.Key, s.Value)
	}
	return 0
}
