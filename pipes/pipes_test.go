//go:build unix

package pipes

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestWaitBeforeRead(t *testing.T) { catalog.Prove(t, WaitBeforeRead) }

func TestReadAfterWait(t *testing.T) { catalog.Prove(t, ReadAfterWait) }

func TestDrainInTurn(t *testing.T) { catalog.Prove(t, DrainInTurn) }

func TestStdinNeverClosed(t *testing.T) { catalog.Prove(t, StdinNeverClosed) }

func TestBackgroundHoldsPipe(t *testing.T) { catalog.Prove(t, BackgroundHoldsPipe) }

func TestStderrLost(t *testing.T) { catalog.Prove(t, StderrLost) }

func TestLeakedDescriptor(t *testing.T) { catalog.Prove(t, LeakedDescriptor) }
