//go:build unix

package role

import "syscall"

func closeOnExec(fd int) { syscall.CloseOnExec(fd) }
