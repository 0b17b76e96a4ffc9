package signals

import "golang.org/x/sys/unix"

// threadID is the id of the calling thread, as /proc/pid/task names it.
func threadID() int { return unix.Gettid() }
