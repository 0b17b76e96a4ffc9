//go:build unix

package termination

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var lockOutlivesBroken, lockOutlivesFixed = pair("termination/lock-outlives-process", func(c code, args []string) int {
	err := c.RunExclusive(args[0], func() error {
		childproc.Emit("working")
		return nil
	})
	// The cleanup could only have run after a collection.
	childproc.Emitf("garbage collections: %d", gcCycles())
	return report(err)
})

func gcCycles() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}

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
	Broken: catalog.Half{
		Says:  "the lock file outlives the process and the second run refuses",
		Role:  lockOutlivesBroken,
		Prove: proveSecondRunRefused,
	},
	Fixed: catalog.Half{
		Says:  "the lock file is gone when the process ends and the second run works",
		Role:  lockOutlivesFixed,
		Prove: proveSecondRunWorks,
	},
}

// runTwice runs the exclusive job twice in a row with the same lock path.
func runTwice(t childproc.T, role childproc.Role) (first, second childproc.Result, lock string) {
	dir, err := os.MkdirTemp("", "procbugs-lock-*")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	lock = filepath.Join(dir, "job.lock")
	first = childproc.Run(t, role, childproc.Args(lock))
	require.Equal(t, 0, first.ExitCode, "stderr: %s", first.Stderr)
	assert.Equal(t, []string{"working", "garbage collections: 0", "ok"}, first.Events)
	second = childproc.Run(t, role, childproc.Args(lock))
	return first, second, lock
}

func proveSecondRunRefused(t childproc.T, role childproc.Role) {
	_, second, lock := runTwice(t, role)
	assert.FileExists(t, lock, "the first run's lock file is still there")
	require.Equal(t, 1, second.ExitCode)
	assert.NotContains(t, second.Events, "working")
	assert.True(t, strings.HasPrefix(second.LastEvent(), "error: another instance is running: open "+lock+": file exists"), second.LastEvent())
	t.Logf("first run exited 0 after 0 collections, leaving %s; the second run refused: %s",
		filepath.Base(lock), strings.TrimPrefix(second.LastEvent(), "error: "))
}

func proveSecondRunWorks(t childproc.T, role childproc.Role) {
	_, second, lock := runTwice(t, role)
	require.Equal(t, 0, second.ExitCode, "stderr: %s; events %q", second.Stderr, second.Events)
	assert.Equal(t, []string{"working", "garbage collections: 0", "ok"}, second.Events)
	assert.NoFileExists(t, lock)
	t.Logf("both runs worked; the deferred release removed %s each time", filepath.Base(lock))
}
