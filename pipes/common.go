//go:build unix

package pipes

import (
	"errors"
	"os/exec"
)

// stopAndReap ends a child whose output can no longer be read and waits
// for it, so that an error path leaves neither a zombie nor a writer
// blocked on a pipe nobody reads. broken.go and fixed.go share it: their
// bugs are elsewhere.
func stopAndReap(cmd *exec.Cmd, err error) error {
	cmd.Process.Kill()
	cmd.Wait()
	return err
}

// errEmptyPattern is what checkPattern rejects: the input check of Search.
var errEmptyPattern = errors.New("empty pattern")

// checkPattern is the validation Search does on its input before it runs
// anything. broken.go and fixed.go share it: what differs is when.
func checkPattern(pattern string) error {
	if pattern == "" {
		return errEmptyPattern
	}
	return nil
}
