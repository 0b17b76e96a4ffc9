//go:build !linux

package procfs

func ThreadChildren(int, int) []int          { return nil }
func ForkingThread(int, int) int             { return 0 }
func ThreadWaitChannel(int, int) string      { return "" }
func ThreadSleepsIn(int, int, []string) bool { return false }
