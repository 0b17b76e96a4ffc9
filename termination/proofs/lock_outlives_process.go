//go:build unix

package proofs

import (
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// LockOutlivesProcess is 000 §11's "finalizers are best-effort", where it hurts.
var LockOutlivesProcess = catalog.Entry{
	ID:    "termination/lock-outlives-process",
	Title: "A finalizer or cleanup never removes the lock file: the next run refuses to start",
	Symptom: "The first run works; every run after it fails with \"another instance is running\" " +
		"although none is. Temporary files pile up the same way.",
	Cause: "The runtime runs a finalizer or a runtime.AddCleanup function only after a garbage collection " +
		"has found the object unreachable, and runs none at exit ($GOROOT/src/runtime/mfinal.go, SetFinalizer: " +
		"\"There is no guarantee that finalizers will run before a program exits\"). A short program ends before any collection. " +
		"The kernel releases what lives in the process (memory, descriptors, flock locks), not files on disk.",
	Fix: "Release explicitly, with a deferred call on every return path, and keep os.Exit in main only. " +
		"Where even a crash must release the lock, lock with flock(2) on an open descriptor, which the kernel drops when the process ends.",
	Sources: []string{"000 §1", "000 §11"},
	Refs:    []string{"runtime.AddCleanup doc: \"not guaranteed to run before program exit\""},
	Func:    "RunExclusive",
	Test:    "TestLockOutlivesProcess",
	Quiz: catalog.Quiz{
		Scenario: "a job creates a lock file that a finalizer is to remove, and exits; then a second run starts",
	},
	Roles: termination.LockOutlivesProcess,
	Broken: catalog.Half{
		Says:  "the lock file outlives the process and the second run refuses",
		Prove: proveSecondRunRefused,
	},
	Fixed: catalog.Half{
		Says:  "the lock file is gone when the process ends and the second run works",
		Prove: proveSecondRunWorks,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C1 as first run
    participant C2 as second run
    T->>C1: start
    C1->>C1: create job.lock (O_EXCL), work
    alt broken
        C1->>C1: a cleanup would remove it, after a GC
        C1-->>T: exit 0 after no GC, job.lock stays
        T->>C2: start
        C2-->>T: "another instance is running", exit 1
    else fixed
        C1->>C1: the deferred release removes job.lock
        C1-->>T: exit 0
        T->>C2: start
        C2-->>T: it works, exit 0
    end`,
}

// ranAlone is what a run that got the lock reports: its work ran, and it
// ended before any garbage collection, which alone could run a cleanup.
var ranAlone = []string{termination.Working, "garbage collections: 0", "ok"}

// runTwice runs the exclusive job twice in a row with the same lock path.
// The first run must work in both halves.
func runTwice(t childproc.T, r role.Role) (second childproc.Result, lock string) {
	lock = filepath.Join(childproc.TempDir(t), "job.lock")
	first := childproc.Finish(t, r, childproc.Args(lock))
	require.Equal(t, 0, first.ExitCode, "stderr: %s", first.Stderr)
	require.Equal(t, ranAlone, first.Events)
	second = childproc.Finish(t, r, childproc.Args(lock))
	return second, lock
}

func proveSecondRunRefused(t childproc.T, r role.Role) {
	second, lock := runTwice(t, r)
	require.FileExists(t, lock, "the first run's lock file is still there")
	require.Equal(t, 1, second.ExitCode)
	require.NotContains(t, second.Events, termination.Working)
	require.True(t, strings.HasPrefix(second.LastEvent(), "error: another instance is running: open "+lock+": file exists"), second.LastEvent())
	t.Logf("the first run exited 0 after 0 collections, leaving %s; the second run refused: %s",
		filepath.Base(lock), strings.TrimPrefix(second.LastEvent(), "error: "))
}

func proveSecondRunWorks(t childproc.T, r role.Role) {
	second, lock := runTwice(t, r)
	require.Equal(t, 0, second.ExitCode, "stderr: %s; events %q", second.Stderr, second.Events)
	require.Equal(t, ranAlone, second.Events)
	require.NoFileExists(t, lock)
	t.Logf("both runs worked; the deferred release removed %s each time", filepath.Base(lock))
}
