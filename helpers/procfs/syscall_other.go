//go:build !linux

package procfs

func ThreadSyscall(int, int) int { return -1 }
func InEpollWait(int) bool       { return false }
