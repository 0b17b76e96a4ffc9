//go:build !unix

package envs

// openSockets is not implemented here: the proofs that use it run on Linux.
func openSockets() []string { return nil }
