//go:build unix

package envs

import (
	"fmt"
	"syscall"
)

// openSockets lists the descriptors below 64 that are sockets, each as
// "4=socket:[1234]": the descriptor and the socket's inode, spelled as
// /proc/pid/fd spells it, so that the parent can tell which socket it is.
// A descriptor's number alone says little: the Go runtime keeps low
// descriptors of its own (the cgroup CPU limit files, since Go 1.25).
func openSockets() []string {
	var out []string
	for fd := range 64 {
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFSOCK {
			out = append(out, fmt.Sprintf("%d=socket:[%d]", fd, st.Ino))
		}
	}
	return out
}
