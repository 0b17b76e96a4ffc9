//go:build unix

package termination_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/termination"
)

// The source texts' claims about termination that neither an entry nor
// the table covers, each run in a child process. The claims and their
// verdicts are in proofs/claims.go.

// TestWaitWithoutStart: Wait on a command never started is an error, not
// a success (C114).
func TestWaitWithoutStart(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, termination.WaitWithoutStart)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{"Wait returned exec: not started"}, res.Events)
	t.Logf("%s", res.LastEvent())
}

// TestFinalizerRunsAfterGC: a finalizer runs once a collection finds its
// object unreachable; the table shows that the exit never runs one (C003).
func TestFinalizerRunsAfterGC(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, termination.FinalizerAfterGC)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{"collections before: 0", termination.FinalizerRan}, res.Events)
	t.Logf("no collection had run; after runtime.GC the finalizer ran")
}

// TestTypedErrors: what os/exec's errors are, and what errors.Is and
// os.IsNotExist say of them (C091, C092).
func TestTypedErrors(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, termination.TypedErrors)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{
		"exit 2: *exec.ExitError ErrNotExist=false ErrPermission=false ErrExist=false ErrNotFound=false",
		"not executable: *fs.PathError ErrNotExist=false ErrPermission=true ErrExist=false ErrNotFound=false",
		"missing path: *fs.PathError ErrNotExist=true ErrPermission=false ErrExist=false ErrNotFound=false",
		"missing in PATH: *exec.Error ErrNotExist=false ErrPermission=false ErrExist=false ErrNotFound=true",
		"O_EXCL on an existing file: *fs.PathError ErrNotExist=false ErrPermission=false ErrExist=true ErrNotFound=false",
		"bare: os.IsNotExist=true errors.Is=true; wrapped: os.IsNotExist=false errors.Is=true",
	}, res.Events)
	t.Logf("%s", strings.Join(res.Events, "\n"))
}

// TestFixedCodeIsSafeToCopy drives every fixed method that starts a
// process or opens a file through its error paths, a child for each group
// of them, and finds nothing left behind: each waits for what it started
// and closes what it opened. The controls must be caught: code that starts
// a child and never waits, and the broken RunExclusive, which leaves its
// lock file open.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	for _, group := range termination.ErrorPathGroups {
		t.Run(group, func(t *testing.T) {
			t.Parallel()
			res := childproc.Finish(t, termination.ErrorPaths, childproc.Args(group))
			require.Equal(t, 0, res.ExitCode, res.Stderr)
			require.NotEmpty(t, res.Events)
			for _, e := range res.Events {
				assert.True(t, strings.HasSuffix(e, ": nothing left behind"), e)
			}
			if !t.Failed() {
				t.Logf("%d error paths left nothing behind:\n%s", len(res.Events), strings.Join(res.Events, "\n"))
			}
		})
	}
	t.Run("controls", func(t *testing.T) {
		t.Parallel()
		res := childproc.Finish(t, termination.ErrorPaths, childproc.Args("controls"))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		require.Len(t, res.Events, 2)
		assert.True(t, strings.HasPrefix(res.Events[0], "control, Start without Wait: 1 "),
			"the audit catches a child never waited for: %s", res.Events[0])
		assert.Regexp(t, `^control, broken RunExclusive: open .*/broken\.lock$`, res.Events[1],
			"the audit catches a descriptor left open")
		if !t.Failed() {
			t.Logf("the controls were caught: %s; %s", res.Events[0], res.Events[1])
		}
	})
}
