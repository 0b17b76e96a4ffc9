//go:build !unix

package role

// Children run on Unix only; elsewhere there is no control pipe to mark.
func closeOnExec(int) {}
