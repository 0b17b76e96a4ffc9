package pipes

import (
	"io"
	"os/exec"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// CollectOutput runs cmd and returns what it wrote to stdout.
//
// It reads to EOF first and only then calls Wait, which closes the pipe
// (os/exec: "It is thus incorrect to call Wait before all reads from the
// pipe have completed"). cmd.Output() does the same in one call.
func (Fixed) CollectOutput(cmd *exec.Cmd) ([]byte, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, err := io.ReadAll(stdout)
	if err != nil {
		return nil, err
	}
	return out, cmd.Wait()
}
