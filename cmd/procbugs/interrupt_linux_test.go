package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// interruptRun interrupts `procbugs run` with SIGINT while the broken code
// hangs, and proves from /proc that no process it started survives:
// neither its child nor the grandchild in the child's group, and nothing
// comes back to this test process, whose orphan sweep would find it.
//
// The broken role lives for the few milliseconds its proof needs. Should
// the test not be scheduled in that time (a busy machine) and first see the
// fixed role, it lets that run finish and starts another: what it retries is
// catching the moment, never the outcome.
func interruptRun(t *testing.T, c cli) {
	const attempts = 5
	for i := 1; !interruptBrokenRole(t, c); i++ {
		if i == attempts {
			t.Fatalf("in %d runs the test never saw the broken role before its proof ended it", attempts)
		}
	}
}

// interruptBrokenRole runs procbugs once and interrupts it while the broken
// role hangs. It returns false when it missed the broken role: that run
// finished as usual, and left nothing to check.
func interruptBrokenRole(t *testing.T, c cli) bool {
	e := stableEntry(t)
	cmd := exec.Command(c.bin, "run", e.ID)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // away from the test's own group
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Start())
	pb := cmd.Process.Pid
	var err error
	exited := make(chan struct{})
	go func() { err = cmd.Wait(); close(exited) }()
	var seen []int // procbugs's descendants, as the test finds them
	t.Cleanup(func() { stopAndReap(t, pb, exited, seen) })
	// procbugs runs at the lowest priority, so that on a busy machine the
	// test still finds the broken role before the proof has ended it.
	require.NoError(t, syscall.Setpriority(syscall.PRIO_PROCESS, pb, 19))

	// Freeze procbugs as soon as it has started the broken role, so that
	// its proof cannot stop the hang before the interrupt arrives. The
	// role goes on: it starts the writer, which fills the pipe and blocks.
	var role int
	var name string
	childproc.Poll(t, bound, "procbugs starts a role", func() bool {
		select {
		case <-exited:
			return true
		default:
		}
		for _, k := range childproc.Children(pb) {
			if r, ok := roleOf(k); ok && childproc.Alive(k) {
				role, name = k, r
				return true
			}
		}
		return false
	})
	if name != e.Broken.Role.Name() {
		select {
		case <-exited:
		case <-time.After(bound):
			t.Fatalf("procbugs run %s did not finish", e.ID)
		}
		require.NoError(t, err, "the run the test missed ends as usual:\n%s", errb.String())
		t.Logf("missed the broken role (saw %q); running again", name)
		return false
	}
	require.NoError(t, childproc.Signal(pb, syscall.SIGSTOP))
	seen = append(seen, role)
	var writer int
	childproc.Poll(t, 10*time.Second, "the writer blocks on the full pipe", func() bool {
		writer = execedChild(role)
		return writer != 0 && childproc.BlockedIn(writer, "pipe_write")
	})
	seen = append(seen, writer)
	require.Equal(t, role, childproc.Group(writer), "the writer is in the role's group, not procbugs's")

	require.NoError(t, childproc.Signal(pb, syscall.SIGINT))
	require.NoError(t, childproc.Signal(pb, syscall.SIGCONT))
	select {
	case <-exited:
	case <-time.After(bound):
		t.Fatalf("procbugs did not exit after SIGINT:\n%s\n%s", out.String(), errb.String())
	}
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "procbugs exits with a status: %v", err)
	assert.Equal(t, exitInterrupted, exitErr.ExitCode(), "stderr:\n%s", errb.String())
	assert.Contains(t, errb.String(), "interrupted by SIGINT")

	for _, pid := range []int{role, writer} {
		assert.Zero(t, childproc.State(pid), "process %d is gone, not even a zombie", pid)
		assert.NotContains(t, childproc.Children(os.Getpid()), pid, "process %d did not come back to the test", pid)
	}
	t.Logf("SIGINT while role %d and writer %d hung: procbugs exited %d and neither process is left",
		role, writer, exitErr.ExitCode())
	return true
}

// execedChild is a live child of pid that has called execve, or 0. Go forks
// a child that never execs once per process to test clone(CLONE_PIDFD)
// ($GOROOT/src/syscall/exec_linux.go, os_checkClonePidfd); it does not count.
func execedChild(pid int) int {
	for _, k := range childproc.Children(pid) {
		if childproc.Alive(k) && childproc.Execed(k) {
			return k
		}
	}
	return 0
}

// stopAndReap ends procbugs if a failed test left it running, and reaps
// what it started should any of it have come back to this process.
func stopAndReap(t *testing.T, pb int, exited <-chan struct{}, seen []int) {
	select {
	case <-exited:
		return
	default:
	}
	childproc.Signal(pb, syscall.SIGCONT)
	childproc.Signal(pb, syscall.SIGKILL)
	<-exited
	self := os.Getpid()
	childproc.Poll(t, bound, "what procbugs started ends", func() bool {
		for _, pid := range seen {
			if s := childproc.State(pid); s != 0 && !(s == 'Z' && childproc.Parent(pid) == self) {
				return false
			}
		}
		return true
	})
	for _, pid := range seen {
		if childproc.State(pid) == 'Z' {
			childproc.ReapOrphan(t, pid)
		}
	}
}

// interruptQuiz presses Ctrl-C while the quiz waits for an answer: it ends
// at once with status 130, although nothing is being run.
func interruptQuiz(t *testing.T, c cli) {
	cmd := exec.Command(c.bin, "quiz", stable)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	answers, err := cmd.StdinPipe() // open, and never written
	require.NoError(t, err)
	defer answers.Close()
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	pw.Close()
	out := collect(pr)
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); pr.Close(); close(exited) }()
	t.Cleanup(func() { stopAndReap(t, cmd.Process.Pid, exited, nil) })

	out.await(t, 0, "Your answer (a-")
	require.NoError(t, childproc.Signal(cmd.Process.Pid, syscall.SIGINT))
	select {
	case <-exited:
	case <-time.After(bound):
		t.Fatalf("the quiz did not end on SIGINT")
	}
	var exitErr *exec.ExitError
	require.True(t, errors.As(waitErr, &exitErr), "the quiz exits with a status: %v", waitErr)
	assert.Equal(t, exitInterrupted, exitErr.ExitCode())
	t.Logf("Ctrl-C at the quiz's prompt: exit %d", exitErr.ExitCode())
}
