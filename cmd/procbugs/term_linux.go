//go:build linux

package main

import "golang.org/x/sys/unix"

// The termios requests differ by system: TCGETS/TCSETS on Linux.
const (
	getTermios = unix.TCGETS
	setTermios = unix.TCSETS
)
