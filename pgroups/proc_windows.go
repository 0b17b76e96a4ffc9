//go:build windows

package pgroups

import "syscall"

// sysProcAttr is the Windows counterpart: a new process group, to which
// CTRL_BREAK_EVENT can be sent. Windows has no setpgid and no kill(-pgid).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
