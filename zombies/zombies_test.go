//go:build linux

package zombies_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/zombies/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/zombies") }

func TestStartWithoutWait(t *testing.T) { catalog.Prove(t, proofs.StartWithoutWait) }

func TestOrphansNeedAReaper(t *testing.T) { catalog.Prove(t, proofs.OrphansNeedAReaper) }

func TestNaiveReaper(t *testing.T) { catalog.Prove(t, proofs.NaiveReaper) }

func TestGoInit(t *testing.T) { catalog.Prove(t, proofs.GoInit) }

func TestCompareInits(t *testing.T) { catalog.Prove(t, proofs.CompareInits) }

func TestSupervisor(t *testing.T) { catalog.Prove(t, proofs.Supervisor) }
