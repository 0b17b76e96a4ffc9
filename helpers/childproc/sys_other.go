//go:build !linux

package childproc

import (
	"errors"
	"os"
	"syscall"
)

// The harness starts children on Linux only, where their evidence can be
// read from /proc; elsewhere Start skips.

const supported = false

const (
	sigKill = syscall.Signal(9)
	sigQuit = syscall.Signal(3)
)

func setPdeathsig(*syscall.SysProcAttr) {}

// ErrRefused is returned for a signal the harness will not send.
var ErrRefused = errors.New("childproc: refused")

func newAttr() *syscall.SysProcAttr                          { return &syscall.SysProcAttr{} }
func finishAttr(*syscall.SysProcAttr)                        {}
func SignalName(sig syscall.Signal) string                   { return sig.String() }
func Signal(int, syscall.Signal) error                       { return errors.ErrUnsupported }
func SignalGroup(int, syscall.Signal) error                  { return errors.ErrUnsupported }
func (p *Proc) signalGroup(syscall.Signal) error             { return errors.ErrUnsupported }
func (p *Proc) killMembers([]int)                            {}
func (p *Proc) Signal(t T, sig syscall.Signal)               { t.Fatalf("no signals here") }
func (p *Proc) SignalGroup(t T, sig syscall.Signal)          { t.Fatalf("no signals here") }
func killPID(int)                                            {}
func reapPID(int)                                            {}
func waitExit(int)                                           {}
func becomeSubreaper() error                                 { return nil }
func catchInheritedIgnores()                                 {}
func lockFile(string) (func(), error)                        { return func() {}, nil }
func execedChild(int) int                                    { return 0 }
func decode(ps *os.ProcessState) (int, syscall.Signal, bool) { return ps.ExitCode(), 0, false }
