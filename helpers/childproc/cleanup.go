package childproc

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"procbugs/helpers/procfs"
)

var (
	// ownMu is held while a child is started and registered, so that a
	// sweep never mistakes a child being born for an orphan.
	ownMu sync.Mutex
	// owned holds the pids an exec.Cmd of the harness is waiting on.
	owned = map[int]bool{}
	// groups holds the process groups the harness created and has not yet
	// cleaned up: the only groups it will ever signal.
	groups = map[int]*Proc{}
)

// cleanup runs when the test ends. A child the proof neither waited for
// nor stopped fails the test; so does one that reached its time bound, and
// a process the child left running in its group. Everything is killed and
// reaped either way.
func (p *Proc) cleanup(t T) {
	p.timer.Stop()
	select {
	case <-p.done:
	default:
		p.signalGroup(sigKill)
		<-p.done
	}
	leaked := p.reapGroup()
	p.mu.Lock()
	waited, stopped, timedOut, expected := p.waited, p.stopped, p.timedOut, p.groupKilled
	p.mu.Unlock()
	switch {
	case t.Failed(): // the proof has said what went wrong
	case timedOut && !waited:
		t.Errorf("childproc: %s reached its time bound of %v: a timeout is never evidence", p.role, p.bound)
	case !waited && !stopped:
		t.Errorf("childproc: the proof neither waited for %s nor stopped it", p.role)
	}
	if len(leaked) > 0 && !expected {
		t.Errorf("childproc: %s ended but left %s running in its process group; killed them",
			p.role, strings.Join(leaked, ", "))
	}
	p.result() // waits, within a bound, for the event reader to finish
	p.closeFiles()
	ownMu.Lock()
	delete(groups, p.Pid)
	ownMu.Unlock()
}

// Leftovers lists the live members of the child's process group other
// than the child itself: descendants that outlived it.
func (p *Proc) Leftovers() []int { return p.running(p.members()) }

// members lists the child's process group, zombies included, from a walk
// of this process's descendants: the group cannot have a member anywhere
// else.
func (p *Proc) members() []int { return procfs.GroupMembersBelow(os.Getpid(), p.Pid) }

// running keeps the members that are alive, other than the child itself.
func (p *Proc) running(members []int) []int {
	var out []int
	for _, pid := range members {
		if pid != p.Pid && procfs.Alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// KillGroup kills whatever is left of the child's group and reaps it. A
// proof that shows a process outliving its parent calls it once it has
// its evidence, to say that the leftovers were expected.
func (p *Proc) KillGroup(t T) {
	t.Helper()
	witness(t, LeftBehind, p)
	p.mu.Lock()
	p.groupKilled = true
	p.mu.Unlock()
	p.reapGroup()
}

// reapGroup kills the child's group and reaps the members that were left
// to this process. Members whose parent was another member come to this
// process when that parent dies, so it looks again until the group is
// empty. It never waits for a pid an exec.Cmd owns: that would steal its
// status. It returns the members that were still running. Each walk of
// the descendants costs a read per thread of every process below this
// one, and a run has hundreds of groups to clean up, so each look serves
// both the report and the kill.
func (p *Proc) reapGroup() []string {
	members := p.members()
	var running []string
	for _, pid := range p.running(members) {
		running = append(running, describe(pid))
	}
	for range 1000 {
		if len(members) == 0 {
			break
		}
		p.killMembers(members)
		for _, pid := range members {
			ownMu.Lock()
			mine := !owned[pid] && procfs.Parent(pid) == os.Getpid()
			ownMu.Unlock()
			if mine {
				reapPID(pid)
			}
		}
		members = p.members()
	}
	return running
}

// sweepOrphans kills and reaps every child of this process that no
// exec.Cmd of the harness owns: orphans that escaped their group (a new
// session, a new group) and came to this process, a child subreaper.
// Main calls it once all tests have finished.
func sweepOrphans() []string {
	ownMu.Lock()
	defer ownMu.Unlock()
	var out []string
	for _, pid := range procfs.Children(os.Getpid()) {
		if owned[pid] {
			continue
		}
		out = append(out, describe(pid))
		killPID(pid)
		reapPID(pid)
	}
	return out
}

// ReapOrphan kills and reaps a process that came to this test process as
// an orphan, such as a daemon that left its group on purpose. It refuses
// any process that is not an orphan child of this process.
func ReapOrphan(t T, pid int) {
	t.Helper()
	ownMu.Lock()
	defer ownMu.Unlock()
	if owned[pid] || pid <= 1 || procfs.Parent(pid) != os.Getpid() {
		t.Errorf("childproc: refusing to reap %d: not an orphan of this process", pid)
		return
	}
	killPID(pid)
	reapPID(pid)
}

func leakReport(leaked []string) string {
	return fmt.Sprintf("childproc: processes outlived the tests that started them and were killed: %s",
		strings.Join(leaked, ", "))
}

// StopAll kills the group of every child the harness has started and not
// yet cleaned up. A command calls it when the user interrupts a live run,
// so that nothing it started survives; tests have Cleanup for that.
func StopAll() {
	ownMu.Lock()
	var ps []*Proc
	for _, p := range groups {
		ps = append(ps, p)
	}
	ownMu.Unlock()
	for _, p := range ps {
		p.signalGroup(sigKill)
	}
}

// Supervise prepares a command that runs proofs outside `go test`: it
// makes the process a child subreaper, as Main does for test binaries, and
// returns a function to call before exiting, which kills and reaps any
// orphan left and reports what it found.
func Supervise() (finish func() []string, err error) {
	if err := becomeSubreaper(); err != nil {
		return nil, err
	}
	catchInheritedIgnores()
	return sweepOrphans, nil
}
