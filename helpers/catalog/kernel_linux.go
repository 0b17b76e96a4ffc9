package catalog

import (
	"strings"

	"golang.org/x/sys/unix"
)

func osName() string { return "Linux" }

// kernel is the running kernel's release, such as "6.18.44".
func kernel() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "?"
	}
	r := unix.ByteSliceToString(u.Release[:])
	if i := strings.IndexAny(r, "-+"); i > 0 {
		r = r[:i]
	}
	return r
}
