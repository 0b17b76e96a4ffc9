package envs

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// toolDirs makes a working directory holding procbugs-tool, and relbin/
// holding another, and returns it.
func toolDirs(t *testing.T) string {
	t.Helper()
	dir := tempDir(t)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "relbin"), 0o755))
	writeFile(t, filepath.Join(dir, lookupTool), "#!/bin/sh\necho here\n", 0o755)
	writeFile(t, filepath.Join(dir, "relbin", lookupTool), "#!/bin/sh\necho relbin\n", 0o755)
	return dir
}

// TestLookPathRelativeEntries runs exec.LookPath in a child under PATH
// values with ".", an empty entry (leading or trailing), a relative
// directory and an absolute one.
func TestLookPathRelativeEntries(t *testing.T) {
	dir := toolDirs(t)
	sep, sys := string(os.PathListSeparator), os.Getenv("PATH")
	abs := filepath.Join(dir, "relbin")
	for _, c := range []struct{ entry, path, want string }{
		{`"." first`, "." + sep + sys, `path="procbugs-tool" ErrDot=true Error.Name="procbugs-tool"`},
		{"an empty entry first", sep + sys, `path="procbugs-tool" ErrDot=true Error.Name="procbugs-tool"`},
		{"an empty entry last", sys + sep, `path="procbugs-tool" ErrDot=true Error.Name="procbugs-tool"`},
		{"relative relbin first", "relbin" + sep + sys, `path="relbin/procbugs-tool" ErrDot=true Error.Name="procbugs-tool"`},
		{"relative ./relbin first", "./relbin" + sep + sys, `path="relbin/procbugs-tool" ErrDot=true Error.Name="procbugs-tool"`},
		{"absolute .../relbin first", abs + sep + sys, `path="` + filepath.Join(abs, lookupTool) + `" ErrDot=false Error.Name=""`},
	} {
		res := childproc.Run(t, lookPath, childproc.Dir(dir), childproc.Env("PATH="+c.path))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Equal(t, []string{c.want}, res.Events, "PATH=%s", c.path)
		t.Logf("PATH with %s: %s", c.entry, res.LastEvent())
	}
}

// TestClearErrDot shows the documented escape: a caller that trusts the
// program found through "." clears cmd.Err, and it runs.
func TestClearErrDot(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh to run the tool script", clearErrDot)
	}
	dir := toolDirs(t)
	path := "." + string(os.PathListSeparator) + os.Getenv("PATH")
	res := childproc.Run(t, clearErrDot, childproc.Dir(dir), childproc.Env("PATH="+path))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	assert.Equal(t, []string{
		`cmd.Err: exec: "procbugs-tool": cannot run executable found relative to current directory`,
		"ran procbugs-tool: here",
	}, res.Events)
	t.Logf("%q", res.Events)
}
