package main

// The topics whose records build on Linux alone.
import (
	_ "procbugs/pgroups/proofs"
)
