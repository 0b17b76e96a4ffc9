//go:build unix

package proofs

import (
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// parentWaitsWhile starts r and waits until its parent process sits in
// Wait (do_wait) while its child sleeps in one of the kernel functions
// wchan names: the order every pipe deadlock of this topic shows, and
// none of its fixed halves passes through. It returns the child's pid
// and the function it sleeps in, read before the proof stops anything.
func parentWaitsWhile(t childproc.T, r role.Role, what string, wchan []string) (p *childproc.Proc, child int, where string) {
	p = childproc.Start(t, r)
	child = p.AwaitChild(t)
	p.Until(t, what, func() bool {
		return procfs.SleepsIn(p.Pid, procfs.DoWait) && procfs.SleepsIn(child, wchan)
	})
	return p, child, procfs.SleepingIn(child, wchan)
}

// neverWhile is that order as a state the fixed half's child must never
// reach: code that deadlocks there (a learner's attempt, or the broken
// half under a negative control) fails as soon as it is seen, with the
// reason, not at the child's time bound.
func neverWhile(what string, wchan []string) childproc.Option {
	return childproc.StuckWhen(what, func(p *childproc.Proc) bool {
		if !procfs.SleepsIn(p.Pid, procfs.DoWait) {
			return false
		}
		for _, child := range procfs.Children(p.Pid) {
			if procfs.SleepsIn(child, wchan) {
				return true
			}
		}
		return false
	})
}
