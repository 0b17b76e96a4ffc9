//go:build linux

package childproc

import (
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/internal/selftest"
)

func TestChildProgramIsLean(t *testing.T) {
	t.Run("the role runs in a program built without the race detector or cgo", func(t *testing.T) {
		res := Run(t, selftest.BuildInfo, Timeout(FinishBound))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Contains(t, res.Events, "go "+runtime.Version(), "the release that built the tests built the child")
		assert.Contains(t, res.Events, "setting CGO_ENABLED=0")
		assert.NotContains(t, res.Events, "setting -race=true")
		exe, err := Program(selftest.BuildInfo)
		require.NoError(t, err)
		l, err := Linked(exe)
		require.NoError(t, err)
		assert.Equal(t, Linkage{}, l, "neither the race runtime nor runtime/cgo is linked")
		t.Logf("the child reported %s and CGO_ENABLED=0; its symbol table has neither __tsan_init nor x_cgo_init", res.Events[0])
	})
	t.Run("a role that calls C runs in a program that links runtime/cgo", func(t *testing.T) {
		res := Run(t, selftest.CgoBuildInfo, Timeout(FinishBound))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Contains(t, res.Events, "setting CGO_ENABLED=1")
		exe, err := Program(selftest.CgoBuildInfo)
		require.NoError(t, err)
		l, err := Linked(exe)
		require.NoError(t, err)
		assert.Equal(t, Linkage{Cgo: true}, l)
		t.Logf("the cgo child links runtime/cgo and still not the race runtime")
	})
	t.Run("the test binary itself is what the child must not be", func(t *testing.T) {
		exe, err := os.Executable()
		require.NoError(t, err)
		l, err := Linked(exe)
		require.NoError(t, err)
		assert.True(t, l.Cgo, "testify's net/http import links runtime/cgo into the test binary")
		assert.Equal(t, raceEnabled, l.Race, "the race runtime is linked exactly when the tests run with -race")
		t.Logf("this test binary links %+v", l)
	})
}
