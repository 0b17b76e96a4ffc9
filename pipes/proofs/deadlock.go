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

// neverStuckWriting is that deadlock as a state that the fixed half's
// child must never be seen in, so that code which deadlocks there (a
// learner's attempt in the exercise, or the broken half under a negative
// control) fails as soon as the state appears, with the reason, rather
// than at the child's time bound.
//
// The state is stricter than the broken proof's evidence, because it must
// hold for no correct program, not only for the fixed half: cmd.Output()
// sits in Wait while a goroutine reads, and its writer often sleeps on a
// full pipe meanwhile. Here the parent is in Wait and every one of its
// threads is asleep, while a child of it sleeps in pipe_write on a full
// stdout, and the parent reads not one byte from the first look to the
// last. A program with a reader cannot be seen so: the write that filled
// the pipe woke the reader, and a woken thread is awake until it has read
// (procfs.Idle), which rchar would show.
func neverStuckWriting(what string) childproc.Option {
	return childproc.StuckWhen(what, func(p *childproc.Proc) bool {
		before := procfs.ReadIO(p.Pid)
		writer := 0
		for _, child := range procfs.Children(p.Pid) {
			if procfs.SleepsIn(child, procfs.PipeWrite) && full(child, 1) {
				writer = child
			}
		}
		if writer == 0 || before.Read == 0 || !procfs.Idle(p.Pid) || !procfs.SleepsIn(p.Pid, procfs.DoWait) {
			return false
		}
		return procfs.ReadIO(p.Pid).Read == before.Read && procfs.SleepsIn(writer, procfs.PipeWrite)
	})
}
