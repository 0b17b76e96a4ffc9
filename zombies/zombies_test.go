//go:build linux

package zombies

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestStartWithoutWait(t *testing.T)   { catalog.Prove(t, StartWithoutWait) }
func TestOrphansNeedAReaper(t *testing.T) { catalog.Prove(t, OrphansNeedAReaper) }
func TestNaiveReaper(t *testing.T)        { catalog.Prove(t, NaiveReaper) }
func TestGoInit(t *testing.T)             { catalog.Prove(t, GoInit) }
func TestCompareInits(t *testing.T)       { catalog.Prove(t, CompareInits) }
func TestSupervisor(t *testing.T)         { catalog.Prove(t, Supervisor) }
