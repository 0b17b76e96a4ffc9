//go:build !linux

package procfs

import (
	"errors"
	"syscall"
)

// The /proc evidence exists on Linux only; elsewhere every reader reports
// an absent process.

type Stat struct {
	State                                 byte
	Parent, Group, Session, TTY, ExitCode int
	Flags, StartTime                      uint64
}

type SignalSet uint64

type IO struct{ Read, Written int64 }

func (s SignalSet) Has(sig syscall.Signal) bool { return s&(1<<(uint(sig)-1)) != 0 }

const (
	Ignored = "SigIgn"
	Caught  = "SigCgt"
	Blocked = "SigBlk"
	Pending = "SigPnd"
	Shared  = "ShdPnd"
)

var (
	DoWait              = []string{"do_wait"}
	PipeWrite           = []string{"pipe_write", "anon_pipe_write"}
	PipeRead            = []string{"pipe_read", "anon_pipe_read"}
	StoppedByJobControl = []string{"do_signal_stop"}
)

var errNoProc = errors.New("procfs: no /proc here")

func ReadStat(int) (Stat, error)                { return Stat{}, errNoProc }
func State(int) byte                            { return 0 }
func Alive(int) bool                            { return false }
func Parent(int) int                            { return -1 }
func Group(int) int                             { return -1 }
func Session(int) int                           { return -1 }
func Execed(int) bool                           { return false }
func ExitSignal(int) syscall.Signal             { return 0 }
func Comm(int) string                           { return "?" }
func Threads(int) []int                         { return nil }
func Idle(int) bool                             { return false }
func StatusField(int, string) string            { return "" }
func ThreadStatusField(int, int, string) string { return "" }
func Signals(int, string) SignalSet             { return 0 }
func IsPending(int, syscall.Signal) bool        { return false }
func WaitChannels(int) []string                 { return nil }
func SleepingIn(int, []string) string           { return "" }
func SleepsIn(int, []string) bool               { return false }
func ReadingFrom(int) []string                  { return nil }
func WritingTo(int) []string                    { return nil }
func Descriptors(int) map[int]string            { return nil }
func PipeQueued(int, int) (int, error)          { return 0, errNoProc }
func PipeCapacity(int, int) (int, error)        { return 0, errNoProc }
func Children(int) []int                        { return nil }
func Descendants(int) []int                     { return nil }
func GroupMembers(int) []int                    { return nil }
func GroupMembersBelow(int, int) []int          { return nil }
