//go:build linux

package pgroups_test

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/pgroups/proofs"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/pgroups") }

func TestKillLeader(t *testing.T) { catalog.Prove(t, proofs.KillLeader) }

func TestContextCancel(t *testing.T) { catalog.Prove(t, proofs.ContextCancel) }

func TestCtrlC(t *testing.T) { catalog.Prove(t, proofs.CtrlC) }

func TestBackgroundJob(t *testing.T) { catalog.Prove(t, proofs.BackgroundJob) }

func TestNegativePID(t *testing.T) { catalog.Prove(t, proofs.NegativePID) }

func TestUncheckedGetpgid(t *testing.T) { catalog.Prove(t, proofs.UncheckedGetpgid) }

func TestSetsidWithSetpgid(t *testing.T) { catalog.Prove(t, proofs.SetsidWithSetpgid) }

func TestSetcttyDescriptor(t *testing.T) { catalog.Prove(t, proofs.SetcttyDescriptor) }

func TestPdeathsig(t *testing.T) { catalog.Prove(t, proofs.Pdeathsig) }

func TestPdeathsigThread(t *testing.T) { catalog.Prove(t, proofs.PdeathsigThread) }

func TestCredential(t *testing.T) { catalog.Prove(t, proofs.Credential) }

func TestSupplementaryGroups(t *testing.T) { catalog.Prove(t, proofs.SupplementaryGroups) }

func TestDaemonize(t *testing.T) { catalog.Prove(t, proofs.Daemonize) }

func TestStalePidfile(t *testing.T) { catalog.Prove(t, proofs.StalePidfile) }
