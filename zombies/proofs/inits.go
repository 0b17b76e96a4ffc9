//go:build linux

package proofs

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// How the proofs run an init: PID 1 of a PID namespace the test creates,
// with the app under it, the notes pipe to hear from the processes the
// control pipe cannot reach, and the gate to hold the app until the test
// has read /proc.

// namespaces makes a child PID 1 of a fresh PID namespace, with a mount
// namespace of its own for its /proc. As root that is all; otherwise a
// user namespace maps the caller to root in it (as `unshare -Urpf
// --mount-proc` does).
func namespaces(a *syscall.SysProcAttr) {
	a.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	if os.Geteuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
}

// namespacesDenied says why this machine will not give a child a PID
// namespace (seccomp in a container, user namespaces switched off), or ""
// when it will. It tries once, with /bin/true.
var namespacesDenied = sync.OnceValue(func() string {
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	namespaces(cmd.SysProcAttr)
	if err := cmd.Run(); err != nil {
		return fmt.Sprintf("no PID namespace here (clone flags %#x: %v)", cmd.SysProcAttr.Cloneflags, err)
	}
	return ""
})

// needNamespaces skips a proof that must run its init as PID 1: a
// subreaper would leave the grandchildren running when it exits.
func needNamespaces(t childproc.T, roles ...role.Role) {
	t.Helper()
	if reason := namespacesDenied(); reason != "" {
		roles = append(roles, zombies.UnderInit, zombies.UnderShell)
		childproc.SkipWith(t, reason, append(roles, zombies.InitTree...)...)
	}
}

// An initRun is one init the test started, with an app under it.
type initRun struct {
	p      *childproc.Proc
	notes  *notes
	gate   *os.File // the test's end: closing it lets the app go on
	pid1   bool     // PID 1 of a fresh namespace, not a subreaper
	goInit bool
}

// startInit starts r as a container's init, PID 1 of a namespace of its
// own where this machine allows one, and a subreaper otherwise. A run that
// should end by itself (bounded) is bounded by ChainBound: an init's
// tree starts up to five programs one after another (the init, then tini
// or dumb-init, the app, its forker and its grandchild).
func startInit(t childproc.T, r role.Role, goInit, bounded bool, args ...string) *initRun {
	t.Helper()
	n, opts := newNotes(t)
	gateR, gateW, err := os.Pipe()
	if err != nil {
		t.Fatalf("gate pipe: %v", err)
	}
	t.Cleanup(func() { gateW.Close() })
	run := &initRun{notes: n, gate: gateW, pid1: namespacesDenied() == "", goInit: goInit}
	opts = append(opts, childproc.ExtraFiles(gateR), childproc.Args(args...))
	if bounded {
		opts = append(opts, childproc.Timeout(ChainBound))
	}
	if run.pid1 {
		opts = append(opts, childproc.Attr(namespaces))
	}
	run.p = childproc.Start(t, r, opts...)
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

// open lets the app go on past the gate.
func (r *initRun) open() { r.gate.Close() }

// app returns the app's pid (as this test sees it), once the app has
// noted that it is running: the init's one child that has exec'd.
func (r *initRun) app(t childproc.T) int {
	t.Helper()
	app := execedChild(r.p.Pid)
	if app == 0 {
		t.Fatalf("the init %d has no app among its children %v", r.p.Pid, procfs.Children(r.p.Pid))
	}
	return app
}

// grandchild returns the pid of the app's grandchild, once the app has
// noted that it started it.
func (r *initRun) grandchild(t childproc.T) int {
	t.Helper()
	app := r.app(t)
	gc := execedChild(app)
	if gc == 0 {
		t.Fatalf("the app %d has no grandchild among its children %v", app, procfs.Children(app))
	}
	return gc
}

// signal sends sig to the init: PID 1 of the namespace this test created,
// or the subreaper it started. A Go init is signalled only once it waits
// for its app (a thread in do_wait, and the app running): by then both Go
// inits have called signal.Notify. A Go PID 1 signalled before that dies
// of the signal instead of forwarding it (see GoInit's Changes). tini and
// dumb-init set up their signals before they start the app, and the
// proofs signal them once the app has noted it is ready.
//
// The first Start of a Go process sleeps in do_wait too, before it forks
// the app: it checks that clone(CLONE_PIDFD) works on a throwaway child
// (os_checkClonePidfd in $GOROOT/src/syscall/exec_linux.go), which never
// execs, and so is never taken for the app.
func (r *initRun) signal(t childproc.T, sig syscall.Signal) {
	t.Helper()
	if r.goInit {
		r.p.Until(t, "the init waits for its app", func() bool {
			return execedChild(r.p.Pid) != 0 && procfs.SleepsIn(r.p.Pid, procfs.DoWait)
		})
	}
	r.p.Signal(t, sig)
}

// notes is the test's end of the notes pipe (zombies.NotesFD).
type notes struct {
	w, r *os.File
	feed *childproc.Feed
}

// newNotes makes the pipe and returns the options that hand it to a child.
// Call started once the child has started.
func newNotes(t childproc.T) (*notes, []childproc.Option) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("notes pipe: %v", err)
	}
	n := &notes{r: r, w: w}
	t.Cleanup(func() {
		n.w.Close()
		if n.feed != nil {
			<-n.feed.Done() // every writer has gone by now: the harness killed them
		}
		n.r.Close()
	})
	return n, []childproc.Option{childproc.ExtraFiles(w), childproc.Env(fmt.Sprintf("%s=%d", zombies.NotesEnv, zombies.NotesFD))}
}

// started closes the test's copy of the write end, so that the reader sees
// EOF once every process of the child's tree has gone, and starts reading.
func (n *notes) started() {
	n.w.Close()
	n.feed = childproc.NewFeed(n.r, nil)
}

// await waits for a note that starts with prefix and returns it. It fails
// the test if every writer has gone first; near the test's deadline, as a
// safety net for writers that escaped the init, it gives up.
func (n *notes) await(t childproc.T, prefix string) string {
	t.Helper()
	line, ok := n.feed.Await(prefix, safetyNet(t))
	if !ok {
		t.Fatalf("no note %q came; notes %q", prefix, n.feed.Lines())
	}
	return line
}

// find returns the first note so far that starts with prefix, or "".
func (n *notes) find(prefix string) string {
	for _, l := range n.feed.Lines() {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// wait returns once every process that held the notes pipe has gone, so
// that all their notes have been read.
func (n *notes) wait(t childproc.T) {
	t.Helper()
	select {
	case <-n.feed.Done():
	case <-safetyNet(t):
		t.Fatalf("a process still holds the notes pipe; notes %q", n.feed.Lines())
	}
}

// safetyNet fires shortly before the test's deadline, as childproc.Poll's
// does: never a verdict, only the end of a wait that something went wrong.
func safetyNet(t childproc.T) <-chan time.Time {
	limit := time.Minute
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			limit = max(time.Until(dl)-2*time.Second, time.Second)
		}
	}
	return time.After(limit)
}
