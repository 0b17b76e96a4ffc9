//go:build unix

package proofs

import (
	"strings"

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
// control) fails as soon as the state is seen, with the reason, rather
// than at the child's time bound.
//
// The state is stricter than the broken proof's evidence, because it must
// hold for no correct program, not only for the fixed half: cmd.Output()
// sits in Wait while a goroutine reads, and its writer often sleeps on a
// full pipe meanwhile. Here, at two looks in a row, with not one byte
// read by the parent from the first to the last:
//   - a child of the parent sleeps in pipe_write, inside a write to a pipe
//     the parent holds;
//   - every thread of the parent is asleep, one of them in Wait;
//   - none is in the runtime's poller, and none in sysmon's short sleep.
//
// A program with a reader is never seen so. A writer blocks only on a
// pipe with no room; the write that put the last bytes there woke the
// reader, and a woken thread is awake until it has read (procfs.Idle),
// which rchar would show. A reader that waits for the pipe, or for a
// timer before it reads, keeps a thread in the poller, once the runtime
// has taken back the processor that the thread in Wait held. Until then
// the timers of that processor wait with it, and sysmon, woken when that
// thread entered its system call, sleeps in short steps until it takes
// the processor back (procfs.SysmonTick). Two looks, because one look
// reads the threads one after another: sysmon, read before the other
// thread entered Wait, would be seen asleep in its long sleep.
func neverStuckWriting(what string) childproc.Option {
	seen := false
	var read int64
	return childproc.StuckWhen(what, func(p *childproc.Proc) bool {
		before := procfs.ReadIO(p.Pid)
		holds := before.Read != 0 && blockedWritingToParent(p.Pid) && procfs.Idle(p.Pid) &&
			procfs.SleepsIn(p.Pid, procfs.DoWait) && !procfs.InSyscall(p.Pid, procfs.RuntimePoller) &&
			!procfs.InSyscall(p.Pid, procfs.SysmonTick) &&
			procfs.ReadIO(p.Pid).Read == before.Read && blockedWritingToParent(p.Pid)
		again := holds && seen && before.Read == read
		seen, read = holds, before.Read
		return again
	})
}

// blockedWritingToParent reports whether a child of parent sleeps in
// pipe_write inside a write to a pipe that parent holds.
func blockedWritingToParent(parent int) bool {
	for _, child := range procfs.Children(parent) {
		if !procfs.SleepsIn(child, procfs.PipeWrite) {
			continue
		}
		for _, target := range procfs.WritingTo(child) {
			if strings.HasPrefix(target, "pipe:") && holds(parent, target) {
				return true
			}
		}
	}
	return false
}
