//go:build unix

package proofs

import (
	"strconv"
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
//   - the parent waits for nothing of its own (procfs.WaitsForOthers),
//     one of its threads in Wait and none in the runtime's poller.
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
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		return noProgress(p, func(io procfs.IO) int64 { return io.Read }, func() bool {
			return blockedWritingToParent(p.Pid) && procfs.WaitsForOthers(p.Pid) &&
				procfs.SleepsIn(p.Pid, procfs.DoWait) && !procfs.InSyscall(p.Pid, procfs.RuntimePoller)
		})
	})
}

// neverStuckReading is the same deadlock the other way round: the child
// waits to read what the parent never writes, nor ends by closing the
// pipe, and the parent waits for the child. At two looks in a row, with
// not one byte written by the parent from the first to the last:
//   - a child of the parent sleeps in pipe_read, inside a read of a pipe
//     the parent holds;
//   - the parent waits for nothing of its own, one of its threads in Wait.
//
// A program that writes, or closes, is never seen so. Closing the last
// write end wakes the reader at once with EOF, so the parent no longer
// holds the pipe by the time the child sleeps in it again. A writer that
// has yet to run keeps a thread awake, or sysmon in its short sleep, as
// above; one that waits for a timer keeps a thread in the poller with a
// timeout; and one that waits for room cannot wait on a pipe that a
// reader has emptied, since the read that emptied it woke the writer.
// The poller itself may wait without a timeout: the copy of the child's
// stdout that os/exec runs waits there.
func neverStuckReading(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		return noProgress(p, func(io procfs.IO) int64 { return io.Written }, func() bool {
			return blockedReadingFromParent(p.Pid) && procfs.WaitsForOthers(p.Pid) && procfs.SleepsIn(p.Pid, procfs.DoWait)
		})
	})
}

// neverUnread is a full pipe that nobody reads, whatever the parent waits
// for instead: at two looks in a row, with not one byte read by the parent
// from the first to the last, a child of the parent sleeps in pipe_write,
// inside a write to a pipe the parent holds, and the parent waits for
// nothing of its own. The argument of neverStuckWriting holds without
// Wait: the write that filled the pipe woke whoever waits to read it, in
// the poller or in read(2), and a woken thread is awake until it has read.
func neverUnread(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		return noProgress(p, func(io procfs.IO) int64 { return io.Read }, func() bool {
			return blockedWritingToParent(p.Pid) && procfs.WaitsForOthers(p.Pid)
		})
	})
}

// noProgress returns the parent's count of the bytes that would have
// ended the wait (progress), as the witness of a look, if state holds and
// the count did not move while state was read; "" otherwise.
func noProgress(p *childproc.Proc, progress func(procfs.IO) int64, state func() bool) string {
	before := progress(procfs.ReadIO(p.Pid))
	if before == 0 || !state() || progress(procfs.ReadIO(p.Pid)) != before || !state() {
		return ""
	}
	return strconv.FormatInt(before, 10)
}

// blockedWritingToParent reports whether a child of parent sleeps in
// pipe_write inside a write to a pipe that parent holds.
func blockedWritingToParent(parent int) bool {
	return blockedOnParent(parent, procfs.PipeWrite, procfs.WritingTo)
}

// blockedReadingFromParent reports whether a child of parent sleeps in
// pipe_read inside a read of a pipe that parent holds.
func blockedReadingFromParent(parent int) bool {
	return blockedOnParent(parent, procfs.PipeRead, procfs.ReadingFrom)
}

func blockedOnParent(parent int, wchan []string, pipesIn func(pid int) []string) bool {
	for _, child := range procfs.Children(parent) {
		if !procfs.SleepsIn(child, wchan) {
			continue
		}
		for _, target := range pipesIn(child) {
			if strings.HasPrefix(target, "pipe:") && holds(parent, target) {
				return true
			}
		}
	}
	return false
}
