package childproc

import "os"

// T is the part of testing.TB the harness needs. *testing.T satisfies it,
// and so does Recorder, which runs a proof outside `go test`.
type T interface {
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	FailNow()
	Failed() bool
	Helper()
	Logf(format string, args ...any)
	Name() string
	Skipf(format string, args ...any)
}

// TempDir returns a new directory that is removed when the test ends: the
// test's own TempDir where t has one, or else one made here.
func TempDir(t T) string {
	t.Helper()
	if td, ok := t.(interface{ TempDir() string }); ok {
		return td.TempDir()
	}
	dir, err := os.MkdirTemp("", "procbugs-")
	if err != nil {
		t.Fatalf("temp dir: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
