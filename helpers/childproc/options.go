package childproc

import (
	"io"
	"os"
	"syscall"
	"time"
)

// FinishBound bounds a child that is expected to finish by itself. The
// fixed code finishes in milliseconds; the bound is only the safety net
// that fails a child which hangs instead (the broken code in exercise mode
// or under a negative control), so it is generous: the slowest fixed
// halves need about 150 ms on a quiet machine, and came within reach of
// 3 s only at twenty-five runnable threads per core. What it costs is the
// wait of a negative control whose half hangs, and those run in parallel.
const FinishBound = 5 * time.Second

// grace is the time a child gets to print its stacks after SIGQUIT, and
// the margin kept before a test's own deadline.
const grace = time.Second

// noDeadline bounds a child whose proof has no deadline (a proof run by
// cmd/procbugs) and asks for no bound of its own.
const noDeadline = time.Minute

type config struct {
	args    []string
	env     []string
	timeout time.Duration
	stdin   io.Reader
	extra   []*os.File
	attr    func(*syscall.SysProcAttr)
	dir     string
	stuck   *stuckState
}

// An Option changes how Start launches a child.
type Option func(*config)

// Args passes arguments to the role.
func Args(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// Env adds KEY=value pairs to the child's otherwise minimal environment.
func Env(kv ...string) Option { return func(c *config) { c.env = append(c.env, kv...) } }

// Timeout bounds the child's life, counted from the moment its role
// begins. It is capped by the test's deadline. Without it the bound is
// the test's deadline itself: a safety net for a child the proof stops.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Stdin sets the child's standard input (default: /dev/null).
func Stdin(r io.Reader) Option { return func(c *config) { c.stdin = r } }

// ExtraFiles passes files to the child as descriptors 4, 5, ...;
// descriptor 3 is the control pipe.
func ExtraFiles(f ...*os.File) Option { return func(c *config) { c.extra = append(c.extra, f...) } }

// Dir sets the child's working directory.
func Dir(dir string) Option { return func(c *config) { c.dir = dir } }

// Attr lets a test adjust the child's SysProcAttr (credentials,
// namespaces, a session). The harness still makes the child lead its own
// group, unless the test asks for a new session, which is a new group too.
func Attr(f func(*syscall.SysProcAttr)) Option { return func(c *config) { c.attr = f } }

// StuckWhen names a state that the child of a proof that expects it to
// finish can never leave by itself: the order of a deadlock, read from
// /proc. Wait then watches for it, and once it holds, stops the child and
// fails the test with what was seen. Code that deadlocks (a learner's
// attempt in the exercise, the broken half under a negative control)
// fails with the reason as soon as it is seen, instead of at the child's
// time bound.
//
// stuck must hold for no program that would finish: not the fixed half,
// nor any other fix a learner may write, which is stricter than a broken
// proof's evidence (pipes/proofs/deadlock.go shows how much). It is called
// again and again from one goroutine, so it may keep what it saw at its
// earlier calls; it must be cheap and have no other side effects.
func StuckWhen(what string, stuck func(p *Proc) bool) Option {
	return func(c *config) {
		c.stuck = &stuckState{what, stuck, "is stuck: %s. The proof stopped it: it would never have finished"}
	}
}

// EndsOtherwiseWhen names a state that shows, before the child ends,
// that it cannot end as the proof expects, though it may end later in
// some other way: a fixed half under a broken proof's control that waits,
// as it should, for what the proof never gives. Wait stops the child and
// fails the test as soon as the state holds, as for StuckWhen, and with
// the same duty: the state must hold for no child that would end as the
// proof expects.
func EndsOtherwiseWhen(what string, cond func(p *Proc) bool) Option {
	return func(c *config) {
		c.stuck = &stuckState{what, cond, "%s. The proof stopped it: from there it cannot end as the proof expects"}
	}
}

// StuckWhenSeenTwice is StuckWhen for a state read in several steps, as
// most are (SeenTwice).
func StuckWhenSeenTwice(what string, look func(p *Proc) string) Option {
	return StuckWhen(what, SeenTwice(look))
}

// SeenTwice turns look into a state for StuckWhen or EndsOtherwiseWhen:
// look returns a witness of what it saw (a count, a pid), or "" when the
// state does not hold, and the state holds once two looks in a row return
// the same witness. One look reads the threads of a process one after
// another and may catch each at a different instant; two looks with one
// witness see one unbroken state.
func SeenTwice(look func(p *Proc) string) func(p *Proc) bool {
	last := ""
	return func(p *Proc) bool {
		seen := look(p)
		again := seen != "" && seen == last
		last = seen
		return again
	}
}

type stuckState struct {
	what    string
	holds   func(p *Proc) bool
	verdict string // the failure, after the role's name, with what for %s
}

// bound is the child's time bound: the proof's, or the test's deadline,
// whichever comes first.
func bound(t T, asked time.Duration) time.Duration {
	limit := noDeadline
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			limit = max(time.Until(dl)-2*grace, grace)
		}
	}
	if asked > 0 && asked < limit {
		return asked
	}
	return limit
}
