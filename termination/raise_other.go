//go:build unix && !linux

package termination

import "syscall"

// raise sends sig to the process. Outside Linux, syscall has no call that
// sends it to the calling thread: the signal may arrive after raise
// returns, and the caller's exit may come first.
func raise(sig syscall.Signal) error {
	return syscall.Kill(syscall.Getpid(), sig)
}
