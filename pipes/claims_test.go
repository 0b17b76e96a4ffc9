//go:build unix

package pipes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/pipes"
)

// The source texts' claims about pipes that no entry covers, each run in
// a child process. The claims and their verdicts are in proofs/claims.go.

func TestMergedStderr(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.MergedStderr)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{"cmd.Stdout is *os.File",
		fmt.Sprintf("read %d bytes, copy error <nil>, wait error <nil>", 2*pipes.EachStream)}, res.Events)
	t.Logf("merged stream: %s", res.LastEvent())
}

func TestOutputDrainsBoth(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.OutputDrains)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{
		fmt.Sprintf("Output: %d bytes, error <nil>", pipes.EachStream),
		fmt.Sprintf("CombinedOutput: %d bytes, error <nil>", 2*pipes.EachStream),
	}, res.Events)
	t.Logf("with %d bytes on each stream: %s", pipes.EachStream, strings.Join(res.Events, "; "))
}

func TestExitErrorStderrIsPartial(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.ExitErrorStderr)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2)
	var kept, long int
	var noted bool
	_, err := fmt.Sscanf(res.Events[0], "nil Stderr: %d of %d bytes kept, omission noted: %t", &kept, &long, &noted)
	require.NoError(t, err)
	const end = 32 << 10 // prefixSuffixSaver{N: 32 << 10} in os/exec
	assert.Greater(t, kept, 2*end, "both 32 KiB ends are kept")
	assert.Less(t, kept, 2*end+100, "and little more than a note between them")
	assert.Equal(t, pipes.LongStderr, long)
	assert.True(t, noted)
	assert.Equal(t, "Stderr set: 0 bytes kept", res.Events[1])
	if !t.Failed() {
		t.Logf("%s; %s", res.Events[0], res.Events[1])
	}
}

func TestCombinedOutputInterleaves(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.Combined)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, `"o1\ne1\no2\ne2\n" <nil>`, res.LastEvent())
	t.Logf("CombinedOutput: %s", res.LastEvent())
}

func TestRunConnectsDevNullAndExtraFiles(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.StdioAndExtraFiles)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 5)
	assert.Equal(t, "fd0=/dev/null", res.Events[0])
	assert.Equal(t, "fd1=/dev/null", res.Events[1])
	assert.True(t, strings.HasPrefix(res.Events[2], "fd2=pipe:"), res.Events[2])
	assert.Equal(t, []string{"fd3=/etc/hostname", "fd4=/etc/passwd"}, res.Events[3:])
	if !t.Failed() {
		t.Logf("the grandchild's descriptors: %s", strings.Join(res.Events, " "))
	}
}

func TestRunOutputCombinedOutputReap(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.RunReaps)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{
		"Run: error <nil>, /proc entry gone: true",
		"Output: error <nil>, /proc entry gone: true",
		"CombinedOutput: error <nil>, /proc entry gone: true",
	}, res.Events, "no /proc entry left: reaped")
	t.Logf("after each call the grandchild's pid was gone from /proc: %d calls checked", len(res.Events))
}

func TestListenerHandoff(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, pipes.Handoff)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	n := pipes.Connections
	require.Equal(t, []string{
		fmt.Sprintf("the parent does not accept: parent 0, grandchild %d, other 0", n),
		fmt.Sprintf("the grandchild is stopped: parent %d, grandchild 0, other 0", n),
	}, res.Events)
	t.Logf("one listener, two processes: %s", strings.Join(res.Events, "; "))
}

// TestFixedCodeIsSafeToCopy drives every fixed method through its error
// paths and finds nothing left behind: each waits for what it started and
// closes what it opened. The last path is the control: code that starts a
// child and never waits must be caught. The paths run one after another
// in one child, so its bound is FinishBound for each.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	paths := pipes.ErrorPathCount()
	res := childproc.Run(t, pipes.ErrorPaths, childproc.Timeout(time.Duration(paths+1)*childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, paths+1)
	for _, e := range res.Events[:paths] {
		assert.True(t, strings.HasSuffix(e, ": nothing left behind"), e)
	}
	control := res.Events[paths]
	assert.True(t, strings.HasPrefix(control, pipes.AuditControl+": 1 running child(ren)"),
		"the audit catches a child never waited for: %s", control)
	if !t.Failed() {
		t.Logf("%d error paths left nothing behind; the audit caught the control: %s", paths, control)
	}
}
