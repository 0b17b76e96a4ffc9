//go:build unix

package pgroups

import "syscall"

// sysProcAttr puts a child in a process group of its own, so that one
// kill(-pgid) reaches it and everything it forks (000 §4). SysProcAttr is a
// different struct on every OS, hence one file per platform.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
