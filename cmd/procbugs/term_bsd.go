//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "golang.org/x/sys/unix"

// The termios requests differ by system: TIOCGETA/TIOCSETA on the BSDs.
const (
	getTermios = unix.TIOCGETA
	setTermios = unix.TIOCSETA
)
