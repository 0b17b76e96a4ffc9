package childproc

// T is the part of testing.TB the harness needs. *testing.T satisfies it,
// and so does the recorder that cmd/procbugs uses to run a proof live.
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
