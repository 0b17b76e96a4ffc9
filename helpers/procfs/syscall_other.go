//go:build !linux

package procfs

func ThreadSyscall(int, int) int { return -1 }
func InSyscall(int, []int) bool  { return false }
func PollsForTimer(int) bool     { return false }
func OnlyIn(int, []int) bool     { return false }
func WaitsForOthers(int) bool    { return false }

var RuntimePoller, SysmonTick, RuntimeWaits []int
