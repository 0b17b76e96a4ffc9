//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// freezeEnv, set to "evidence", makes procbugs stop itself (SIGSTOP) the
// first moment a broken half's proof has its evidence, before the proof
// ends the child, and only then (a later proof, or one an interrupt
// cut short, goes on): the processes stay as the proof saw them, to be looked at with
// ps or pstree; SIGCONT (fg in a shell) goes on. The tests use it to
// interrupt a run while the broken code provably hangs.
const freezeEnv = "PROCBUGS_FREEZE"

var frozen sync.Once

func freezeAtEvidence() {
	if os.Getenv(freezeEnv) == "evidence" {
		frozen.Do(func() { unix.Kill(os.Getpid(), unix.SIGSTOP) })
	}
}
