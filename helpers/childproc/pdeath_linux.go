package childproc

import "syscall"

// setPdeathsig kills a child if the test binary dies before cleaning up, so
// that even a crashed test run leaves no child behind.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
