//go:build !linux

package childproc

import "errors"

// The /proc evidence exists on Linux only. Elsewhere these report nothing,
// and Start skips every proof, since all of them read it.
const supported = false

func State(int) byte                     { return 0 }
func Execed(int) bool                    { return false }
func Idle(int) bool                      { return false }
func Alive(int) bool                     { return false }
func Parent(int) int                     { return -1 }
func Group(int) int                      { return -1 }
func Session(int) int                    { return -1 }
func Comm(int) string                    { return "?" }
func Threads(int) []int                  { return nil }
func WaitChannels(int) []string          { return nil }
func BlockedWhere(int, string) string    { return "" }
func SleepsIn(int, string) bool          { return false }
func BlockedIn(int, string) bool         { return false }
func GroupMembers(int) []int             { return nil }
func Descriptors(int) map[int]string     { return nil }
func ReadingFrom(int) []string           { return nil }
func Children(int) []int                 { return nil }
func PipeQueued(int, int) (int, error)   { return 0, errors.ErrUnsupported }
func PipeCapacity(int, int) (int, error) { return 0, errors.ErrUnsupported }
func becomeSubreaper() error             { return nil }
func reapGroup(pgid int)                 { killGroup(pgid) }
func reapOrphan(int)                     {}
