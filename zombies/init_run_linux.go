package zombies

import (
	"os"
	"syscall"
	"time"

	"procbugs/helpers/childproc"
)

// An initRun is one init started by a test with an app scenario under it.
type initRun struct {
	p      *childproc.Proc
	notes  *notes
	gate   *os.File // the app of "leave" waits until it is closed
	pid1   bool     // PID 1 of a fresh namespace, not a subreaper
	goInit bool
}

// startInit starts role as a container's init, PID 1 of a namespace of its
// own where this machine allows one, and a subreaper otherwise.
func startInit(t childproc.T, role childproc.Role, goInit bool, args ...string) *initRun {
	t.Helper()
	n, opts := newNotes(t)
	gateR, gateW, err := os.Pipe()
	if err != nil {
		t.Fatalf("gate pipe: %v", err)
	}
	t.Cleanup(func() { gateW.Close() })
	run := &initRun{notes: n, gate: gateW, pid1: namespacesDenied() == "", goInit: goInit}
	opts = append(opts, childproc.ExtraFiles(gateR), childproc.Args(args...), childproc.Timeout(5*time.Second))
	if run.pid1 {
		opts = append(opts, childproc.Attr(namespaces))
	}
	run.p = childproc.Start(t, role, opts...)
	gateR.Close()
	n.started()
	return run
}

// where says how the init ran, for the log.
func (r *initRun) where() string {
	if r.pid1 {
		return "as PID 1 of its own namespace"
	}
	return "as a subreaper (" + namespacesDenied() + ")"
}

// signal sends sig to the init: PID 1 of the namespace this test created,
// or the subreaper it started. A Go init is signalled only once it waits
// for its app: by then it has called signal.Notify, and a Go PID 1 without
// Notify would die of the signal with status 2 instead of forwarding it.
// tini and dumb-init set up their signals before they start the app.
//
// Waiting for the app means both a running app and a thread asleep in
// do_wait. The first Start of a Go process sleeps in do_wait too, before it
// forks the app: it checks that clone(CLONE_PIDFD) works on a throwaway
// child and waits for it (os_checkClonePidfd in
// $GOROOT/src/syscall/exec_linux.go).
func (r *initRun) signal(t childproc.T, sig syscall.Signal) {
	t.Helper()
	if r.goInit {
		childproc.Poll(t, 5*time.Second, "the init waits for its app", func() bool {
			return execedChild(r.p.Pid) != 0 && waitsForChild(r.p.Pid)
		})
	}
	r.p.Signal(t, sig)
}

// app returns the pid of the init's one running child, the app.
func (r *initRun) app(t childproc.T) int {
	t.Helper()
	var app int
	childproc.Poll(t, 5*time.Second, "the init has started its app", func() bool {
		app = execedChild(r.p.Pid)
		return app != 0
	})
	return app
}

// execedChild returns a running child of pid that has called execve, or 0.
// Go's throwaway CLONE_PIDFD child never does.
func execedChild(pid int) int {
	for _, k := range childproc.Children(pid) {
		if childproc.Alive(k) && childproc.Execed(k) {
			return k
		}
	}
	return 0
}

// zombieChildren counts the init's children in state Z.
func (r *initRun) zombieChildren() int {
	n := 0
	for _, k := range childproc.Children(r.p.Pid) {
		if childproc.State(k) == 'Z' {
			n++
		}
	}
	return n
}

// waitsForChild reports whether a thread of pid sleeps in the kernel's
// do_wait, inside wait4 or waitid. The name is matched whole: on Linux 6.18
// every idle Go thread sleeps in futex_do_wait.
func waitsForChild(pid int) bool {
	for _, w := range childproc.WaitChannels(pid) {
		if w == "do_wait" {
			return true
		}
	}
	return false
}
