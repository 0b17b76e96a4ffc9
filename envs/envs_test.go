package envs

import (
	"testing"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }

func TestGetenvEmpty(t *testing.T)   { catalog.Prove(t, GetenvEmpty) }
func TestSetenvLeaks(t *testing.T)   { catalog.Prove(t, SetenvLeaks) }
func TestEnvReplaces(t *testing.T)   { catalog.Prove(t, EnvReplaces) }
func TestDuplicateKeys(t *testing.T) { catalog.Prove(t, DuplicateKeys) }

func TestSecrets(t *testing.T) { catalog.Prove(t, Secrets) }

func TestResourcePath(t *testing.T) { catalog.Prove(t, ResourcePath) }

func TestErrDot(t *testing.T) { catalog.Prove(t, ErrDot) }

func TestParallelSetenv(t *testing.T) { catalog.Prove(t, ParallelSetenv) }

func TestInheritedFD(t *testing.T) { catalog.Prove(t, InheritedFD) }
