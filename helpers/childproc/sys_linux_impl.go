//go:build unix

package childproc

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrRefused is returned for a signal the harness will not send.
var ErrRefused = errors.New("childproc: refused")

func newAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(a)
	return a
}

// finishAttr keeps a test's request for a new session from failing: a
// session leader also leads a new group, and setpgid after setsid is EPERM
// (syscall/exec_linux.go calls setsid, then setpgid).
func finishAttr(a *syscall.SysProcAttr) {
	if a.Setsid {
		a.Setpgid, a.Pgid = false, 0
	}
}

func decode(ps *os.ProcessState) (code int, sig syscall.Signal, core bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.ExitCode(), 0, false
	}
	if ws.Signaled() {
		return -1, ws.Signal(), ws.CoreDump()
	}
	return ws.ExitStatus(), 0, false
}

func closeOnExec(fd int) { syscall.CloseOnExec(fd) }

// SignalName is the signal's constant name, such as "SIGTERM".
func SignalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// Signal sends sig to pid, which must be a process this test process
// created: a child it started, a member of a group it created, or an orphan
// re-parented to it. It refuses pid 1, 0, -1 and every other target.
func Signal(pid int, sig syscall.Signal) error {
	if err := checkPID(pid); err != nil {
		return err
	}
	return syscall.Kill(pid, sig)
}

// SignalGroup sends sig to every process of group pgid, which must be a
// group the harness created. It refuses 0, 1, -1 and the caller's own group.
func SignalGroup(pgid int, sig syscall.Signal) error {
	if err := checkGroup(pgid); err != nil {
		return err
	}
	return syscall.Kill(-pgid, sig)
}

func checkPID(pid int) error {
	if pid <= 1 {
		return fmt.Errorf("%w: pid %d would reach init, the caller's group or every process", ErrRefused, pid)
	}
	if pid == os.Getpid() {
		return fmt.Errorf("%w: pid %d is this process", ErrRefused, pid)
	}
	ownMu.Lock()
	defer ownMu.Unlock()
	if owned[pid] || Parent(pid) == os.Getpid() {
		return nil
	}
	if pgid, err := syscall.Getpgid(pid); err == nil && groups[pgid] {
		return nil
	}
	return fmt.Errorf("%w: pid %d is not a process this test created", ErrRefused, pid)
}

func checkGroup(pgid int) error {
	if pgid <= 1 {
		return fmt.Errorf("%w: group %d would reach init, the caller's group or every process", ErrRefused, pgid)
	}
	if pgid == syscall.Getpgrp() {
		return fmt.Errorf("%w: group %d is this test's own group", ErrRefused, pgid)
	}
	ownMu.Lock()
	defer ownMu.Unlock()
	if !groups[pgid] {
		return fmt.Errorf("%w: group %d was not created by this test", ErrRefused, pgid)
	}
	return nil
}

func sendQuit(pid int) { Signal(pid, syscall.SIGQUIT) }

func killGroup(pgid int) { SignalGroup(pgid, syscall.SIGKILL) }

// Signal sends sig to the child, failing the test if the guard refuses.
func (p *Proc) Signal(t T, sig syscall.Signal) {
	t.Helper()
	if err := Signal(p.Pid, sig); err != nil {
		t.Fatalf("signal %s to %d: %v", SignalName(sig), p.Pid, err)
	}
}

// SignalGroup sends sig to the child's whole process group.
func (p *Proc) SignalGroup(t T, sig syscall.Signal) {
	t.Helper()
	if err := SignalGroup(p.Pid, sig); err != nil {
		t.Fatalf("signal %s to group %d: %v", SignalName(sig), p.Pid, err)
	}
}
