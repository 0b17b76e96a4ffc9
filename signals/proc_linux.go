package signals

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// sigMask reads a signal set ("SigIgn", "SigCgt", "SigPnd", "ShdPnd",
// "SigBlk") from /proc/pid/status. Bit n-1 stands for signal n.
func sigMask(pid int, field string) uint64 {
	return maskIn("/proc/"+strconv.Itoa(pid)+"/status", field)
}

func maskIn(path, field string) uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			m, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return m
		}
	}
	return 0
}

func has(mask uint64, sig syscall.Signal) bool { return mask&(1<<(uint(sig)-1)) != 0 }

// ignores reports whether pid's disposition for sig is SIG_IGN.
func ignores(pid int, sig syscall.Signal) bool { return has(sigMask(pid, "SigIgn"), sig) }

// catches reports whether pid has a handler installed for sig.
func catches(pid int, sig syscall.Signal) bool { return has(sigMask(pid, "SigCgt"), sig) }

// pending reports whether sig is still queued for pid: for the whole
// process (ShdPnd) or for one of its threads (SigPnd). Once it is not, the
// kernel has delivered it to a handler, or the process is gone.
func pending(pid int, sig syscall.Signal) bool {
	if has(sigMask(pid, "ShdPnd"), sig) {
		return true
	}
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/status")
	for _, t := range tasks {
		if has(maskIn(t, "SigPnd"), sig) {
			return true
		}
	}
	return false
}
