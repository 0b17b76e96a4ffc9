//go:build unix

package main

// The topics whose records build on every Unix.
import (
	_ "procbugs/pipes/proofs"
	_ "procbugs/signals/proofs"
	_ "procbugs/termination/proofs"
)
