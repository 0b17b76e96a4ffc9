package envs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// TestSetenvReachesLibc runs a cgo child that sets a variable from Go and
// reads it from C, and sets another from C and reads it from Go.
func TestSetenvReachesLibc(t *testing.T) {
	if !haveLibc {
		childproc.SkipWith(t, "needs cgo (CGO_ENABLED=1 and a C compiler) on Unix", libcEnv)
	}
	res := childproc.Run(t, libcEnv)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{
		`C getenv(SET_BY_GO) = ("go", true)`,
		`os.LookupEnv(SET_BY_C) = ("", false)`,
	}, res.Events)
	t.Logf("%q", res.Events)
}
