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
	"procbugs/helpers/procfs"
)

// interruptRun interrupts `procbugs run` with SIGINT while the broken code
// hangs, and proves from /proc that no process it started survives:
// neither its child nor the grandchild in the child's group, and nothing
// comes back to this test process, whose orphan sweep would find it.
//
// PROCBUGS_FREEZE=evidence makes procbugs stop itself the moment the
// broken half's proof has its evidence, before the proof ends the child:
// the hang is then there to be interrupted, however busy the machine.
func interruptRun(t *testing.T, c cli) {
	e := stableEntry(t)
	cmd := exec.Command(c.bin, "run", e.ID)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), freezeEnv+"=evidence")
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

	childproc.Poll(t, "procbugs stops itself at the broken half's evidence", func() bool {
		select {
		case <-exited:
			t.Fatalf("procbugs ended without stopping at the evidence:\n%s\n%s", out.String(), errb.String())
		default:
		}
		return procfs.State(pb) == 'T'
	})
	role := 0
	for _, k := range procfs.Children(pb) {
		if r, ok := roleOf(k); ok && r == e.Roles.Broken.Name() {
			role = k
		}
	}
	require.NotZero(t, role, "the broken role is procbugs's child")
	seen = append(seen, role)
	writer := execedChild(role)
	require.NotZero(t, writer, "the broken role has started its writer")
	seen = append(seen, writer)
	// The proof saw it blocked; a signal may have it out of the kernel
	// function for an instant, a long one on a busy machine, before the
	// write starts again.
	childproc.Poll(t, "the writer is blocked on the full pipe", func() bool {
		return procfs.SleepsIn(writer, procfs.PipeWrite)
	})
	require.Equal(t, role, procfs.Group(writer), "the writer is in the role's group, not procbugs's")

	require.NoError(t, childproc.Signal(pb, syscall.SIGINT))
	require.NoError(t, childproc.Signal(pb, syscall.SIGCONT))
	select {
	case <-exited:
	case <-time.After(time.Until(until(t))):
		t.Fatalf("procbugs did not exit after SIGINT:\n%s\n%s", out.String(), errb.String())
	}
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "procbugs exits with a status: %v", err)
	assert.Equal(t, exitInterrupted, exitErr.ExitCode(), "stderr:\n%s", errb.String())
	assert.Contains(t, errb.String(), "interrupted by SIGINT")

	for _, pid := range []int{role, writer} {
		assert.Zero(t, procfs.State(pid), "process %d is gone, not even a zombie", pid)
		assert.NotContains(t, procfs.Children(os.Getpid()), pid, "process %d did not come back to the test", pid)
	}
	t.Logf("SIGINT while role %d and writer %d hung: procbugs exited %d and neither process is left",
		role, writer, exitErr.ExitCode())
}

// execedChild is a live child of pid that has called execve, or 0. Go forks
// a child that never execs once per process to test clone(CLONE_PIDFD)
// ($GOROOT/src/syscall/exec_linux.go, os_checkClonePidfd); it does not count.
func execedChild(pid int) int {
	for _, k := range procfs.Children(pid) {
		if procfs.Alive(k) && procfs.Execed(k) {
			return k
		}
	}
	return 0
}

// stopAndReap ends procbugs if a failed test left it running, and ends
// and reaps what it started should any of it have come back to this
// process.
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
	// What procbugs started either ends or, procbugs killed, comes back
	// to this process, which ends it.
	childproc.Poll(t, "what procbugs started ends or comes back", func() bool {
		for _, pid := range seen {
			if procfs.State(pid) != 0 && procfs.Parent(pid) != self {
				return false
			}
		}
		return true
	})
	for _, pid := range seen {
		if procfs.State(pid) != 0 {
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
	case <-time.After(time.Until(until(t))):
		t.Fatalf("the quiz did not end on SIGINT")
	}
	var exitErr *exec.ExitError
	require.True(t, errors.As(waitErr, &exitErr), "the quiz exits with a status: %v", waitErr)
	assert.Equal(t, exitInterrupted, exitErr.ExitCode())
	t.Logf("Ctrl-C at the quiz's prompt: exit %d", exitErr.ExitCode())
}
