package procfs

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// readFile reads a file of /proc whole, in four system calls: open, read
// until a read returns nothing, close. os.ReadFile spends six more on each
// file (strace shows them): it offers the descriptor to the runtime's
// poller (two fcntl calls to make it non-blocking, an epoll_ctl that /proc
// refuses, two to undo it) and asks for its size, which /proc reports as
// 0. Proofs read /proc again and again while they wait, so this is where
// the harness's own time goes: on a virtual machine where a system call
// costs a few microseconds, os.ReadFile takes three times as long.
func readFile(path string) ([]byte, error) {
	fd, err := open(path, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// numbers lists the names of a directory of /proc that are numbers: the
// pids in /proc, the thread ids in /proc/pid/task.
func numbers(path string) []int {
	fd, err := open(path, unix.O_DIRECTORY)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	var out []int
	buf := make([]byte, 4096)
	for {
		n, err := unix.ReadDirent(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return out
		}
		_, _, names := unix.ParseDirent(buf[:n], -1, nil)
		for _, name := range names {
			if v, err := strconv.Atoi(name); err == nil {
				out = append(out, v)
			}
		}
	}
}

func open(path string, flags int) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|flags, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return fd, nil
	}
}
