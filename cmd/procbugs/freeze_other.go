//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// freezeAtEvidence does nothing where there is no SIGSTOP.
func freezeAtEvidence() {}
