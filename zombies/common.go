//go:build linux

package zombies

import "golang.org/x/sys/unix"

// exited returns once child pid has exited, and leaves it unreaped
// (waitid with WNOWAIT): a zombie, until whoever owns it waits. fixed.go's
// Init uses it, and so do the scenarios that need a child to have exited
// before the next step.
func exited(pid int) {
	for {
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != unix.EINTR {
			return
		}
	}
}
