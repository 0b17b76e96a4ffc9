//go:build !linux

package procfs

// Environ is Linux's /proc/pid/environ; elsewhere the process reads as absent.
func Environ(int) []string { return nil }
