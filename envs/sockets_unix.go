//go:build unix

package envs

import "syscall"

// openSockets lists the descriptors below 64 that are open sockets. The
// Go runtime keeps low descriptors of its own (the cgroup CPU limit files
// since Go 1.25, $GOROOT/src/runtime/cgroup_linux.go), so a descriptor's
// number alone says little; its type does.
func openSockets() []int {
	var fds []int
	for fd := range 64 {
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFSOCK {
			fds = append(fds, fd)
		}
	}
	return fds
}
