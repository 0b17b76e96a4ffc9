package childproc

import (
	"time"
)

// Evidence that a child cannot announce (a grandchild's wait channel, a
// process state) is read again and again until it holds. The first reads
// come fast, so that a state is seen within microseconds of appearing;
// then they slow down, so that a proof that waits does not take a CPU
// from the child it waits for.
const (
	firstPoll = 50 * time.Microsecond
	maxPoll   = 4 * time.Millisecond
)

// Until waits until cond holds and returns. It fails the test if the child
// ends first (after one last look), with how it ended: the evidence never
// appeared. The child's own time bound limits the wait, so Until needs
// none. cond must be cheap and free of side effects.
func (p *Proc) Until(t T, what string, cond func() bool) {
	t.Helper()
	for pause := firstPoll; !cond(); pause = min(2*pause, maxPoll) {
		select {
		case <-p.done:
			if cond() {
				witness(t, Evidence, p)
				return
			}
			t.Fatalf("%s ended before %s: %s", p.role, what, p.ending())
		case <-time.After(pause):
		}
	}
	witness(t, Evidence, p)
}

// becameStuck watches, until the child ends, for the state StuckWhen
// named, and reports whether it held.
func (p *Proc) becameStuck() bool {
	for pause := firstPoll; ; pause = min(2*pause, maxPoll) {
		select {
		case <-p.done:
			return false
		case <-time.After(pause):
			if p.stuck.holds(p) {
				return true
			}
		}
	}
}

// The moments a Witness is told of.
const (
	Evidence   = "evidence"    // Until's condition held
	Stopping   = "stopping"    // the proof is about to stop the child
	Ended      = "ended"       // the child ended by itself, and the proof has waited for it
	LeftBehind = "left behind" // the proof is about to kill what the child left in its group
)

// A Witness is a T that wants to see the processes at the moments a proof
// takes its evidence: cmd/procbugs draws the process tree as it stood
// then, not as it happened to be when sampled. *testing.T is none.
type Witness interface {
	Witness(moment string, p *Proc)
}

func witness(t T, moment string, p *Proc) {
	if w, ok := t.(Witness); ok {
		w.Witness(moment, p)
	}
}

// AwaitChild waits until the child has started a program of its own and
// returns that grandchild's pid, read from /proc. It fails the test if the
// child ends first.
//
// A process that has forked but not yet called execve does not count.
// That skips the short-lived child Go forks once per process to check that
// clone(CLONE_PIDFD) works (os_checkClonePidfd in
// $GOROOT/src/syscall/exec_linux.go), which is never a grandchild a test
// means.
func (p *Proc) AwaitChild(t T) int {
	t.Helper()
	var kid int
	p.Until(t, "it started a child", func() bool {
		kid = execedChild(p.Pid)
		return kid != 0
	})
	return kid
}

// Poll waits until cond holds, for evidence that no child of the proof's
// is there to bound the wait (an orphan, a process of another group). It
// fails the test, naming what, once the test's deadline nears: that is a
// safety net, never a verdict. cond must be cheap and free of side
// effects.
func Poll(t T, what string, cond func() bool) {
	t.Helper()
	limit := time.Now().Add(bound(t, 0))
	for pause := firstPoll; !cond(); pause = min(2*pause, maxPoll) {
		if time.Now().After(limit) {
			t.Fatalf("gave up waiting until %s: the test's deadline is near", what)
		}
		time.Sleep(pause)
	}
}
