//go:build linux

package proofs

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
)

// How a proof tells a zombie nobody will reap from one about to be reaped.
//
// Code that reaps passes through the zombie too: the child exits, and for
// a moment it is a zombie until its parent's wait returns. But from the
// moment it exits to the moment it is reaped, the parent is busy: a thread
// asleep in do_wait was woken and runs, or a SIGCHLD is pending or being
// handled, or the goroutine that will wait is runnable, and the Go runtime
// keeps a thread running while a goroutine can run. So the proofs look
// three times, in this order: the zombie; its parent asleep (every thread
// off its CPU, procfs.Idle), with no thread in do_wait and no SIGCHLD
// pending; the zombie again, with the same parent. Code that reaps never
// shows all three.

// zombieOf reports whether pid is a zombie whose parent is parent.
func zombieOf(pid, parent int) bool {
	st, err := procfs.ReadStat(pid)
	return err == nil && st.State == 'Z' && st.Parent == parent
}

// doingNothing reports whether parent is asleep, with no thread waiting
// for a child and no SIGCHLD pending.
func doingNothing(parent int) bool {
	return procfs.Idle(parent) && !procfs.SleepsIn(parent, procfs.DoWait) && !procfs.IsPending(parent, syscall.SIGCHLD)
}

// neglected reports whether every pid is a zombie of parent, and stays one
// across an instant in which parent was doing nothing.
func neglected(parent int, pids ...int) bool {
	all := func() bool {
		for _, pid := range pids {
			if !zombieOf(pid, parent) {
				return false
			}
		}
		return true
	}
	return all() && doingNothing(parent) && all()
}

// gone reports whether every pid has left /proc: reaped.
func gone(pids ...int) bool {
	for _, pid := range pids {
		if procfs.State(pid) != 0 {
			return false
		}
	}
	return true
}

// Fate waits until the pids, children of p's child, have either been
// reaped or been neglected (see above), and reports which. The proofs of
// both halves use it: each requires its own answer, so each fails at once
// against the other half's code.
func Fate(t childproc.T, p *childproc.Proc, pids ...int) (isNeglected bool) {
	t.Helper()
	p.Until(t, fmt.Sprintf("%v are reaped, or left zombies of a parent doing nothing", pids), func() bool {
		if gone(pids...) {
			isNeglected = false
			return true
		}
		isNeglected = neglected(p.Pid, pids...)
		return isNeglected
	})
	return isNeglected
}

// pidsFrom reads the pids of the child's "name pid=N" events.
func pidsFrom(t childproc.T, events []string, name string) []int {
	t.Helper()
	var pids []int
	for _, e := range events {
		if s, ok := strings.CutPrefix(e, name+" pid="); ok {
			pid, err := strconv.Atoi(s)
			require.NoError(t, err)
			pids = append(pids, pid)
		}
	}
	return pids
}

// execedChild returns a live child of pid that has exec'd a program, or 0.
func execedChild(pid int) int {
	for _, k := range procfs.Children(pid) {
		if procfs.Alive(k) && procfs.Execed(k) {
			return k
		}
	}
	return 0
}

// unreaped waits until each of pids, children of p's child, has either
// been reaped or is left a zombie that its parent neglects (see above),
// and returns those left.
func unreaped(t childproc.T, p *childproc.Proc, pids ...int) []int {
	t.Helper()
	var left []int
	p.Until(t, fmt.Sprintf("each of %v is reaped, or left a zombie of a parent doing nothing", pids), func() bool {
		left = nil
		for _, pid := range pids {
			if !gone(pid) {
				left = append(left, pid)
			}
		}
		return len(left) == 0 || neglected(p.Pid, left...)
	})
	return left
}
