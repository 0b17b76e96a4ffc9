package envs_test

import (
	"testing"

	"procbugs/envs/proofs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m, "procbugs/envs") }

func TestGetenvEmpty(t *testing.T) { catalog.Prove(t, proofs.GetenvEmpty) }

func TestSetenvLeaks(t *testing.T) { catalog.Prove(t, proofs.SetenvLeaks) }

func TestEnvReplaces(t *testing.T) { catalog.Prove(t, proofs.EnvReplaces) }

func TestDuplicateKeys(t *testing.T) { catalog.Prove(t, proofs.DuplicateKeys) }

func TestStalePWD(t *testing.T) { catalog.Prove(t, proofs.StalePWD) }

func TestSecrets(t *testing.T) { catalog.Prove(t, proofs.Secrets) }

func TestResourcePath(t *testing.T) { catalog.Prove(t, proofs.ResourcePath) }

func TestErrDot(t *testing.T) { catalog.Prove(t, proofs.ErrDot) }

func TestEnvPathIgnored(t *testing.T) { catalog.Prove(t, proofs.EnvPathIgnored) }

func TestScriptNotFound(t *testing.T) { catalog.Prove(t, proofs.ScriptNotFound) }

func TestNotAShell(t *testing.T) { catalog.Prove(t, proofs.NotAShell) }

func TestLeadingDash(t *testing.T) { catalog.Prove(t, proofs.LeadingDash) }

func TestArgTooLong(t *testing.T) { catalog.Prove(t, proofs.ArgTooLong) }

func TestParallelSetenv(t *testing.T) { catalog.Prove(t, proofs.ParallelSetenv) }

func TestInheritedFD(t *testing.T) { catalog.Prove(t, proofs.InheritedFD) }
