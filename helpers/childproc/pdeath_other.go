//go:build unix && !linux

package childproc

import "syscall"

func setPdeathsig(*syscall.SysProcAttr) {}
