package childproc

import (
	"time"
)

// pollEvery is how often evidence is read again while a test waits for it.
const pollEvery = 500 * time.Microsecond

// Poll waits, within limit, until cond holds, reading evidence again every
// half millisecond. It is for evidence the child cannot announce itself,
// such as a grandchild's wait channel; cond must be cheap and free of side
// effects. It fails the test, naming what, if the limit passes.
func Poll(t T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting until %s", limit, what)
		}
		<-tick.C
	}
}

// AwaitChild waits until the child has started a program of its own and
// returns that grandchild's pid, read from /proc. It fails the test if the
// child ends first.
//
// A process that has forked but not yet called execve does not count. That
// skips the short-lived child Go forks once per process to check that
// clone(CLONE_PIDFD) works (os_checkClonePidfd in
// $GOROOT/src/syscall/exec_linux.go), which is never a grandchild a test
// means.
func (p *Proc) AwaitChild(t T) int {
	t.Helper()
	var kid int
	Poll(t, DefaultTimeout, p.role.name+" has a child", func() bool {
		for _, k := range Children(p.Pid) {
			if Alive(k) && Execed(k) {
				kid = k
				return true
			}
		}
		select {
		case <-p.done:
			return true
		default:
			return false
		}
	})
	if kid == 0 {
		res := p.result()
		t.Fatalf("%s ended (%s) without starting a child; stderr:\n%s", p.role, res.Status(), res.Stderr)
	}
	return kid
}
