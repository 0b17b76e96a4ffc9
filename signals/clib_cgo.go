//go:build cgo && unix && cgochild

package signals

/*
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

static int fakelib_log = -1;

static void fakelib_on_sigint(int sig) {
	// write(2) is async-signal-safe.
	if (fakelib_log >= 0) {
		write(fakelib_log, "C handler ran\n", 14);
	}
}

// fakelib_init starts a C library that, like many, installs its own SIGINT
// handler. It plays by the os/signal rules for non-Go code (SA_ONSTACK),
// but does not call the handler it replaces.
static void fakelib_init(int log_fd) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fakelib_on_sigint;
	sa.sa_flags = SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	fakelib_log = log_fd;
	sigaction(SIGINT, &sa, NULL);
}

// c_read blocks in read(2), in C, and returns its result and errno.
static long c_read(int fd, int *err) {
	char b;
	long n = read(fd, &b, 1);
	*err = n < 0 ? errno : 0;
	return n;
}
*/
import "C"

import "syscall"

// haveCgo says whether this build can load the C library. The roles that
// call it are marked role.NeedsCgo, so they run in a child built with cgo
// and the cgochild tag (childproc.CgoChildTag says why the tag).
const haveCgo = true

// cLibrary returns the C library's initialisation, which logs a line to
// logFD each time its SIGINT handler runs.
func cLibrary(logFD int) (initLib func()) {
	return func() { C.fakelib_init(C.int(logFD)) }
}

// cRead reads one byte from fd in C code, blocking there, as a C library
// call does.
func cRead(fd int) (int, error) {
	var errno C.int
	n := C.c_read(C.int(fd), &errno)
	if n < 0 {
		return int(n), syscall.Errno(errno)
	}
	return int(n), nil
}
