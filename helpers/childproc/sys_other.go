//go:build !unix

package childproc

import (
	"errors"
	"os"
	"syscall"
)

// ErrRefused is returned for a signal the harness will not send.
var ErrRefused = errors.New("childproc: refused")

func newAttr() *syscall.SysProcAttr         { return &syscall.SysProcAttr{} }
func finishAttr(*syscall.SysProcAttr)       {}
func closeOnExec(int)                       {}
func sendQuit(int)                          {}
func killGroup(int)                         {}
func SignalName(sig syscall.Signal) string  { return sig.String() }
func Signal(int, syscall.Signal) error      { return errors.ErrUnsupported }
func SignalGroup(int, syscall.Signal) error { return errors.ErrUnsupported }

func decode(ps *os.ProcessState) (int, syscall.Signal, bool) { return ps.ExitCode(), 0, false }
