package procfs

import (
	"strconv"
	"strings"
)

// IO is the I/O a process has done, from /proc/pid/io: the bytes its
// read(2) and write(2) calls and their kin have returned, pipes included.
// A call is counted when it returns, so a write blocked inside the kernel
// counts nothing yet; a process that reads a non-blocking pipe, as Go
// does, counts each read as it completes.
type IO struct{ Read, Written int64 }

// ReadIO reads /proc/pid/io (rchar, wchar); zero if it cannot.
func ReadIO(pid int) IO {
	b, err := readFile(dir(pid) + "/io")
	if err != nil {
		return IO{}
	}
	var io IO
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.ParseInt(v, 10, 64)
		switch k {
		case "rchar":
			io.Read = n
		case "wchar":
			io.Written = n
		}
	}
	return io
}
