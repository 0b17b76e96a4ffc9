//go:build !linux

package procfs

func ThreadSyscall(int, int) int { return -1 }
func InSyscall(int, []int) bool  { return false }

var RuntimePoller, SysmonTick []int
