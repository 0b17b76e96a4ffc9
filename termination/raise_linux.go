package termination

import (
	"runtime"
	"syscall"
)

// raise sends sig to the calling thread, which takes it before the call
// returns. Sent to the process instead, it would go to whichever thread
// the kernel picks, and the caller would run on meanwhile.
func raise(sig syscall.Signal) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), sig)
}
