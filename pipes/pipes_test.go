//go:build unix

package pipes_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/pipes"
	"procbugs/pipes/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/pipes") }

func TestWaitBeforeRead(t *testing.T) { catalog.Prove(t, proofs.WaitBeforeRead) }

// The fixed proof passes cmd.Output(), the other fix the entry names: it
// sits in Wait while its own goroutine reads, and is never taken for the
// deadlock.
func TestWaitBeforeReadAcceptsOutput(t *testing.T) {
	proofs.WaitBeforeRead.Fixed.Prove(t, pipes.WaitBeforeReadOutput)
}

// Nor does it fail a parent that waits while its reader waits for a
// timer: the writer sleeps on a full pipe, the parent in Wait, and nothing
// reads for a while, but the runtime's poller waits for the timer.
func TestWaitBeforeReadAcceptsALateReader(t *testing.T) {
	proofs.WaitBeforeRead.Fixed.Prove(t, pipes.WaitBeforeReadLateReader)
}

func TestReadAfterWait(t *testing.T) { catalog.Prove(t, proofs.ReadAfterWait) }

func TestDrainInTurn(t *testing.T) { catalog.Prove(t, proofs.DrainInTurn) }

func TestScannerGivesUp(t *testing.T) { catalog.Prove(t, proofs.ScannerGivesUp) }

func TestStdinNeverClosed(t *testing.T) { catalog.Prove(t, proofs.StdinNeverClosed) }

func TestBlockingStdin(t *testing.T) { catalog.Prove(t, proofs.BlockingStdin) }

func TestStdinDevNull(t *testing.T) { catalog.Prove(t, proofs.StdinDevNull) }

func TestBackgroundHoldsPipe(t *testing.T) { catalog.Prove(t, proofs.BackgroundHoldsPipe) }

func TestStderrLost(t *testing.T) { catalog.Prove(t, proofs.StderrLost) }

func TestPipeBeforeCheck(t *testing.T) { catalog.Prove(t, proofs.PipeBeforeCheck) }

func TestLeakedDescriptor(t *testing.T) { catalog.Prove(t, proofs.LeakedDescriptor) }

func TestExtraFilesNumber(t *testing.T) { catalog.Prove(t, proofs.ExtraFilesNumber) }

func TestBlockBuffered(t *testing.T) { catalog.Prove(t, proofs.BlockBuffered) }
