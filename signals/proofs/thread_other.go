//go:build unix && !linux

package proofs

import (
	"syscall"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// PollSyscall has no number outside Linux: no proof reads it there.
const PollSyscall = -1

// ThreadPidfds skips: pidfds of threads are Linux's.
func ThreadPidfds(t childproc.T, roles ...role.Role) {
	t.Helper()
	childproc.SkipWith(t, "needs a Linux pidfd for one thread", roles...)
}

// SignalThread is never reached: ThreadPidfds has skipped.
func SignalThread(t childproc.T, _ *childproc.Proc, _ int, _ syscall.Signal) {
	t.Fatalf("no thread signals here")
}
