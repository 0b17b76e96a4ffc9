//go:build linux

package signals

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestUnbufferedNotify(t *testing.T) { catalog.Prove(t, UnbufferedNotify) }

func TestExitOnSignal(t *testing.T) { catalog.Prove(t, ExitOnSignal) }

func TestDeferredStop(t *testing.T) { catalog.Prove(t, DeferredStop) }
