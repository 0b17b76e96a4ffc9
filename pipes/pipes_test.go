package pipes

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestWaitBeforeRead(t *testing.T) { catalog.Prove(t, WaitBeforeRead) }
