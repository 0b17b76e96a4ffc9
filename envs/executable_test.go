package envs

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// TestExecutableAfterDelete runs an installed copy of this binary under a
// made-up argv[0], deletes the copy while it runs, and reads what the
// program then says about itself.
func TestExecutableAfterDelete(t *testing.T) {
	if runtime.GOOS != "linux" {
		childproc.SkipWith(t, "the deleted-file case is Linux's /proc/self/exe", exeDeleted)
	}
	tool := installBinary(t, tempDir(t), "tool")
	res := childproc.Run(t, exeDeleted, childproc.Args(tool))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	assert.Equal(t, []string{
		"program: args0: " + fakeArgv0,
		"program: exe: " + tool + " exists=false",
	}, res.Events)
	t.Logf("%q", res.Events)
}
