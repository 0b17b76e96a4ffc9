package procfs

import (
	"strconv"
	"strings"
	"syscall"
)

// StatusField returns the value of one line of /proc/pid/status, such as
// "Uid" -> "65534 65534 65534 65534", its fields joined by single spaces;
// "" if there is no such line or no such process.
func StatusField(pid int, key string) string { return field(dir(pid)+"/status", key) }

// ThreadStatusField is StatusField for one thread tid of pid.
func ThreadStatusField(pid, tid int, key string) string {
	return field(dir(pid)+"/task/"+strconv.Itoa(tid)+"/status", key)
}

func field(path, key string) string {
	b, err := readFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// A SignalSet is one of the signal masks of /proc/pid/status.
type SignalSet uint64

// Has reports whether sig is in the set (bit sig-1).
func (s SignalSet) Has(sig syscall.Signal) bool { return s&(1<<(uint(sig)-1)) != 0 }

// The signal sets of /proc/pid/status.
const (
	Ignored = "SigIgn" // disposition SIG_IGN
	Caught  = "SigCgt" // a handler is installed
	Blocked = "SigBlk" // masked, per thread
	Pending = "SigPnd" // queued for one thread
	Shared  = "ShdPnd" // queued for the whole process
)

// Signals reads the signal set named by which (Ignored, Caught, ...).
func Signals(pid int, which string) SignalSet {
	v, _ := strconv.ParseUint(StatusField(pid, which), 16, 64)
	return SignalSet(v)
}

// IsPending reports whether sig is still queued for pid, for the whole
// process or for one of its threads. Once it is not, the kernel has
// delivered it, or the process is gone.
func IsPending(pid int, sig syscall.Signal) bool {
	if Signals(pid, Shared).Has(sig) {
		return true
	}
	for _, tid := range Threads(pid) {
		v, _ := strconv.ParseUint(ThreadStatusField(pid, tid, Pending), 16, 64)
		if SignalSet(v).Has(sig) {
			return true
		}
	}
	return false
}
