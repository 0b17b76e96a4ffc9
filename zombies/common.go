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

// hasExited reports whether child pid has exited, and leaves it unreaped:
// waitid with WNOHANG and WNOWAIT only looks. When no child has changed
// state, Linux's waitid returns 0 and a signal number of 0 (waitid in
// kernel/exit.c); for an exited child, SIGCHLD.
func hasExited(pid int) bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && info.Signo == int32(unix.SIGCHLD)
}
