//go:build linux

package proofs

import (
	"os"
	"sync"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
)

// Escapees are processes a scenario moves out of its child's process
// group (a new group, a new session), so that the harness's group kill
// cannot reach them: a daemon, a worker with a group of its own. A proof
// adds each one as soon as it learns its pid. Once the child is gone, what
// is left of them has come to the test process, a child subreaper, as an
// orphan: it is killed and reaped then, whether the proof passed or not.
type Escapees struct {
	mu    sync.Mutex
	procs []identity
}

// identity is a pid and the tick its process started at: together they
// name one process for the life of the machine, so a pid the kernel has
// recycled in the meantime is never mistaken for the escapee.
type identity struct {
	pid     int
	started uint64
}

// TrackEscapees returns an empty set of escapees. Call it before starting
// the child: the cleanups run in reverse order, and the escapees' must run
// after the child's, once they are orphans.
func TrackEscapees(t childproc.T) *Escapees {
	e := &Escapees{}
	t.Cleanup(func() { e.reap(t) })
	return e
}

// Add records processes that may escape the child's group.
func (e *Escapees) Add(pids ...int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, pid := range pids {
		if st, err := procfs.ReadStat(pid); err == nil {
			e.procs = append(e.procs, identity{pid, st.StartTime})
		}
	}
}

// reap kills and reaps, in the order they were added, the escapees that
// are still orphans of the test process. An escapee added before its own
// children is reaped first, which hands its children to the test process.
func (e *Escapees) reap(t childproc.T) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.procs {
		st, err := procfs.ReadStat(p.pid)
		if err != nil || st.StartTime != p.started || st.Parent != os.Getpid() {
			continue
		}
		childproc.ReapOrphan(t, p.pid)
	}
}
