package procfs

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Descriptors maps each open descriptor of pid to what it refers to, as
// /proc/pid/fd shows it: "pipe:[123]", "/dev/null", "socket:[456]".
func Descriptors(pid int) map[int]string {
	d := dir(pid) + "/fd"
	out := map[int]string{}
	for _, fd := range numbers(d) {
		if target, err := os.Readlink(d + "/" + strconv.Itoa(fd)); err == nil {
			out[fd] = target
		}
	}
	return out
}

// PipeQueued returns how many bytes wait unread in the pipe that pid holds
// as descriptor fd. It opens the pipe again through /proc, which works for
// either end, and asks the kernel with FIONREAD.
func PipeQueued(pid, fd int) (int, error) {
	return onPipe(pid, fd, func(f *os.File) (int, error) {
		// FIONREAD is spelled TIOCINQ in x/sys on Linux: both are 0x541B.
		return unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
	})
}

// PipeCapacity returns the size of the pipe pid holds as fd: 65536 by
// default, up to /proc/sys/fs/pipe-max-size (fcntl F_GETPIPE_SZ).
func PipeCapacity(pid, fd int) (int, error) {
	return onPipe(pid, fd, func(f *os.File) (int, error) {
		return unix.FcntlInt(f.Fd(), unix.F_GETPIPE_SZ, 0)
	})
}

func onPipe(pid, fd int, do func(*os.File) (int, error)) (int, error) {
	f, err := os.OpenFile(dir(pid)+"/fd/"+strconv.Itoa(fd), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return do(f)
}
