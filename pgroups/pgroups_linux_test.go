package pgroups

import (
	"testing"

	"procbugs/helpers/catalog"
)

func TestKillLeader(t *testing.T)        { catalog.Prove(t, KillLeader) }
func TestContextCancel(t *testing.T)     { catalog.Prove(t, ContextCancel) }
func TestCtrlC(t *testing.T)             { catalog.Prove(t, CtrlC) }
func TestNegativePID(t *testing.T)       { catalog.Prove(t, NegativePID) }
func TestSetsidWithSetpgid(t *testing.T) { catalog.Prove(t, SetsidWithSetpgid) }
func TestPdeathsig(t *testing.T)         { catalog.Prove(t, Pdeathsig) }
func TestPdeathsigThread(t *testing.T)   { catalog.Prove(t, PdeathsigThread) }
func TestCredential(t *testing.T)        { catalog.Prove(t, Credential) }
func TestDaemonize(t *testing.T)         { catalog.Prove(t, Daemonize) }
func TestStalePidfile(t *testing.T)      { catalog.Prove(t, StalePidfile) }
