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

func TestWaitTwice(t *testing.T) { catalog.Prove(t, proofs.WaitTwice) }

func TestCancelCallsWait(t *testing.T) { catalog.Prove(t, proofs.CancelCallsWait) }

func TestFindProcessHoldsPidfd(t *testing.T) { catalog.Prove(t, proofs.FindProcessHoldsPidfd) }

func TestOrphansNeedAReaper(t *testing.T) { catalog.Prove(t, proofs.OrphansNeedAReaper) }

func TestOneReapPerSIGCHLD(t *testing.T) { catalog.Prove(t, proofs.OneReapPerSIGCHLD) }

func TestSIGCHLDBeforeNotify(t *testing.T) { catalog.Prove(t, proofs.SIGCHLDBeforeNotify) }

func TestNaiveReaper(t *testing.T) { catalog.Prove(t, proofs.NaiveReaper) }

func TestGoInit(t *testing.T) { catalog.Prove(t, proofs.GoInit) }

func TestCompareInits(t *testing.T) { catalog.Prove(t, proofs.CompareInits) }

func TestReusedCmd(t *testing.T) { catalog.Prove(t, proofs.ReusedCmd) }

func TestSupervisor(t *testing.T) { catalog.Prove(t, proofs.Supervisor) }
