package main

// The topics of the catalog. Each topic's proofs package registers its
// entries with the catalog when imported; the commands read them from
// there. A topic is linked on the systems its records build on: these two
// everywhere, the others in topics_unix.go and topics_linux.go.
import (
	_ "procbugs/envs/proofs"
	_ "procbugs/zombies/proofs"
)
