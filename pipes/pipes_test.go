//go:build unix

package pipes_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/pipes/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/pipes") }

func TestWaitBeforeRead(t *testing.T) { catalog.Prove(t, proofs.WaitBeforeRead) }

func TestReadAfterWait(t *testing.T) { catalog.Prove(t, proofs.ReadAfterWait) }

func TestDrainInTurn(t *testing.T) { catalog.Prove(t, proofs.DrainInTurn) }

func TestStdinNeverClosed(t *testing.T) { catalog.Prove(t, proofs.StdinNeverClosed) }

func TestBackgroundHoldsPipe(t *testing.T) { catalog.Prove(t, proofs.BackgroundHoldsPipe) }

func TestStderrLost(t *testing.T) { catalog.Prove(t, proofs.StderrLost) }

func TestLeakedDescriptor(t *testing.T) { catalog.Prove(t, proofs.LeakedDescriptor) }
