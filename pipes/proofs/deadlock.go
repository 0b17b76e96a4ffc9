//go:build unix

package proofs

import (
	"strings"
	"time"

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
// control) fails as soon as the state has settled, with the reason,
// rather than at the child's time bound.
//
// The state is stricter than the broken proof's evidence, because it must
// hold for no correct program, not only for the fixed half: cmd.Output()
// sits in Wait while a goroutine reads, and its writer often sleeps on a
// full pipe meanwhile. Here a child of the parent sleeps in pipe_write,
// inside a write to a pipe the parent holds, while every thread of the
// parent is asleep, one of them in Wait and none in the runtime's poller,
// and the parent reads not one byte from the first look to the last.
//
// A program with a reader is not seen so for long. A writer blocks only
// on a pipe with no room; the write that put the last bytes there woke
// the reader, and a woken thread is awake until it has read
// (procfs.Idle), which rchar would show. A reader that waits for the
// pipe, or for a timer before it reads, keeps a thread in the poller
// (InEpollWait), but only once the runtime has taken the processor back
// from the thread that went into Wait: until then the timers of that
// processor wait with it, and every thread sleeps. sysmon does that
// within about 20 ms: it wakes at least every 10 ms, and takes back a
// processor that has sat 10 ms in a system call (sysmon and retake, in
// $GOROOT/src/runtime/proc.go). So the state counts only once it has
// held, with no byte read, for stuckSettles.
func neverStuckWriting(what string) childproc.Option {
	var since time.Time
	var read int64
	return childproc.StuckWhen(what, func(p *childproc.Proc) bool {
		now, before := time.Now(), procfs.ReadIO(p.Pid)
		if before.Read == 0 || !blockedWritingToParent(p.Pid) || !procfs.Idle(p.Pid) ||
			!procfs.SleepsIn(p.Pid, procfs.DoWait) || procfs.InEpollWait(p.Pid) ||
			procfs.ReadIO(p.Pid).Read != before.Read || !blockedWritingToParent(p.Pid) {
			since = time.Time{}
			return false
		}
		if since.IsZero() || before.Read != read {
			since, read = now, before.Read
			return false
		}
		return now.Sub(since) >= stuckSettles
	})
}

// stuckSettles is how long the stuck state must hold: more than ten times
// the 20 ms that sysmon may take, so that a machine under load, where
// sysmon waits for a CPU too, does not turn a correct program's moment
// into a verdict. A program that deadlocks is reported this long after it
// has, instead of at its time bound.
const stuckSettles = 250 * time.Millisecond

// blockedWritingToParent reports whether a child of parent sleeps in
// pipe_write inside a write to a pipe that parent holds.
func blockedWritingToParent(parent int) bool {
	held := map[string]bool{}
	for _, target := range procfs.Descriptors(parent) {
		held[target] = strings.HasPrefix(target, "pipe:")
	}
	for _, child := range procfs.Children(parent) {
		if !procfs.SleepsIn(child, procfs.PipeWrite) {
			continue
		}
		for _, target := range procfs.WritingTo(child) {
			if held[target] {
				return true
			}
		}
	}
	return false
}
