//go:build linux

package pipes_test

import (
	"testing"

	"procbugs/pipes"
	"procbugs/pipes/proofs"
)

// The fixed proofs that stop a child on a stuck state pass other correct
// programs, which wait a while with the child blocked on a pipe and then
// go on (otherfixes.go): the stuck states hold for no correct program.
func TestFixedProofsAcceptOtherFixes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		proof func(t *testing.T)
	}{
		{"stdin-never-closed: os/exec copies the input from a reader, then closes stdin",
			func(t *testing.T) { proofs.StdinNeverClosed.Fixed.Prove(t, pipes.StdinNeverClosedFromReader) }},
		{"stdin-never-closed: a goroutine writes the input after a timer, while Wait waits",
			func(t *testing.T) { proofs.StdinNeverClosed.Fixed.Prove(t, pipes.StdinNeverClosedAfterTimer) }},
		{"drain-in-turn: os/exec reads both pipes into buffers",
			func(t *testing.T) { proofs.DrainInTurn.Fixed.Prove(t, pipes.DrainInTurnToBuffers) }},
		{"drain-in-turn: stderr is drained only after a timer, while stdout is read",
			func(t *testing.T) { proofs.DrainInTurn.Fixed.Prove(t, pipes.DrainInTurnStderrAfterTimer) }},
		{"leaked-descriptor: a close-on-exec pipe from pipe2, read in read(2)",
			func(t *testing.T) { proofs.LeakedDescriptor.Fixed.Prove(t, pipes.LeakedDescriptorCloexecPipe) }},
		{"block-buffered: the filter runs under stdbuf -o0",
			func(t *testing.T) { proofs.BlockBuffered.Fixed.Prove(t, pipes.BlockBufferedUnbuffered) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.proof(t)
		})
	}
}
