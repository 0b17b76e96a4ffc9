//go:build unix

package termination

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// TestWaitWithoutStart: Wait on a command never started is an error, not
// a success (C114).
func TestWaitWithoutStart(t *testing.T) {
	t.Parallel()
	res := childproc.Run(t, waitWithoutStart)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{"Wait returned exec: not started"}, res.Events)
	t.Logf("%s", res.LastEvent())
}

// TestFinalizerRunsAfterGC: a finalizer runs once a collection finds its
// object unreachable; the table shows that the exit never runs one (C003).
func TestFinalizerRunsAfterGC(t *testing.T) {
	t.Parallel()
	res := childproc.Run(t, finalizerAfterGC)
	require.False(t, res.TimedOut, "the finalizer never ran: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{"collections before: 0", finalizerRan}, res.Events)
	t.Logf("no collection had run; after runtime.GC the finalizer ran")
}
