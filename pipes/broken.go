package pipes

import (
	"io"
	"os/exec"
)

// Broken holds the pipe-handling code as it is often first written.
type Broken struct{}

// CollectOutput runs cmd and returns what it wrote to stdout.
//
// It calls Wait before reading. Once the child has written more than the
// pipe holds (64 KiB on Linux) it blocks in write, waiting for a reader
// that only comes after Wait returns: the two wait for each other forever.
func (Broken) CollectOutput(cmd *exec.Cmd) ([]byte, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := cmd.Wait(); err != nil {
		return nil, err
	}
	return io.ReadAll(stdout)
}
