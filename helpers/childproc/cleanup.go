package childproc

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

var (
	// ownMu is held while a child is started and registered, so that a
	// sweep never mistakes a child being born for an orphan.
	ownMu sync.Mutex
	// owned holds the pids an exec.Cmd of the harness is waiting on.
	owned = map[int]bool{}
	// groups holds the process groups the harness created and has not yet
	// cleaned up: the only groups it will ever signal.
	groups = map[int]bool{}
)

// cleanup runs when the test ends. A child still running is killed with
// its group. Processes the child left running in its group after it ended
// on its own are leaks: they are killed too, and the test fails naming them.
func (p *Proc) cleanup(t T) {
	p.timer.Stop()
	select {
	case <-p.done:
	default:
		p.mu.Lock()
		p.groupKilled = true
		p.mu.Unlock()
		killGroup(p.Pid)
		<-p.done
	}
	leaked := p.killGroupAndReap()
	p.mu.Lock()
	expected := p.groupKilled
	p.mu.Unlock()
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

// Leftovers lists the live members of the child's process group other than
// the child itself: grandchildren that outlived it.
func (p *Proc) Leftovers() []int {
	var out []int
	for _, pid := range GroupMembers(p.Pid) {
		if pid != p.Pid && State(pid) != 'Z' {
			out = append(out, pid)
		}
	}
	return out
}

// KillGroup kills whatever is left of the child's group and reaps it. A test
// that proves a grandchild outlived its parent calls it to say that the
// leftovers were expected.
func (p *Proc) KillGroup(t T) {
	t.Helper()
	p.mu.Lock()
	p.groupKilled = true
	p.mu.Unlock()
	p.killGroupAndReap()
}

// killGroupAndReap kills the child's group and reaps the members that were
// left to this process. It returns the members that were still running.
func (p *Proc) killGroupAndReap() []string {
	var running []string
	for _, pid := range p.Leftovers() {
		running = append(running, describe(pid))
	}
	reapGroup(p.Pid)
	return running
}

// sweepOrphans kills and reaps every child of this process that no exec.Cmd
// of the harness owns: orphans that escaped their group (a new session, a
// new group) and were re-parented here because this process is a child
// subreaper. Main calls it once all tests have finished.
func sweepOrphans() []string {
	ownMu.Lock()
	defer ownMu.Unlock()
	var out []string
	for _, pid := range Children(os.Getpid()) {
		if owned[pid] {
			continue
		}
		out = append(out, describe(pid))
		reapOrphan(pid)
	}
	return out
}

// ReapOrphan kills and reaps a process that was re-parented to this test
// process, such as a daemon that left its group on purpose. It refuses any
// process that is not an orphan child of this process.
func ReapOrphan(t T, pid int) {
	t.Helper()
	ownMu.Lock()
	defer ownMu.Unlock()
	if owned[pid] || pid <= 1 || Parent(pid) != os.Getpid() {
		t.Errorf("childproc: refusing to reap %d: not an orphan of this process", pid)
		return
	}
	reapOrphan(pid)
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
	var pgids []int
	for g := range groups {
		pgids = append(pgids, g)
	}
	ownMu.Unlock()
	for _, g := range pgids {
		killGroup(g)
	}
}

// Supervise prepares a command that runs proofs outside `go test`: it makes
// the process a child subreaper, as Main does for test binaries, and returns
// a function to call before exiting, which kills and reaps any orphan left
// and reports what it found.
func Supervise() (finish func() []string, err error) {
	if err := becomeSubreaper(); err != nil {
		return nil, err
	}
	return sweepOrphans, nil
}
