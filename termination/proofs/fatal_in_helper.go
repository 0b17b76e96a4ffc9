//go:build unix

package proofs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// FatalInHelper is log.Fatal far from main.
var FatalInHelper = catalog.Entry{
	ID:    "termination/fatal-in-helper",
	Title: "log.Fatal in a helper skips the cleanup of every caller: a stale lock file stays",
	Symptom: "After one failed run, every later run finds the lock file of a process that is long gone " +
		"and refuses to start, or overwrites what another run owns.",
	Cause: "log.Fatal is log.Print followed by os.Exit(1) ($GOROOT/src/log/log.go, Fatal): the process ends inside " +
		"the helper, and the deferred os.Remove of its caller never runs.",
	Fix: "Helpers return errors; only main turns an error into an exit. The caller's deferred calls run " +
		"on the way back up.",
	Sources: []string{"000 §1", "001 Q10"},
	Func:    "Migrate",
	Test:    "TestFatalInHelper",
	Quiz: catalog.Quiz{
		Scenario: "the child migrates a directory whose schema version is bad, under a lock file it creates first",
		AskFixed: true,
		Wrong:    "main gets the error, but its exit 1 still skips the removal of the lock file",
	},
	Roles: termination.FatalInHelper,
	Broken: catalog.Half{
		Says:  "the process exits in the helper and the lock file stays behind",
		Prove: proveLockLeft,
	},
	Fixed: catalog.Half{
		Says:  "the error comes back to main and the lock file is removed",
		Prove: proveLockRemoved,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (Migrate)
    T->>C: start, in a dir whose version file says v3
    C->>C: write migrate.lock, defer os.Remove
    alt broken
        C->>C: schemaVersionOrExit calls log.Fatalf
        C-->>T: exit 1, migrate.lock stays
    else fixed
        C->>C: schemaVersion returns the error
        C->>C: the deferred os.Remove runs
        C-->>T: the error, exit 1, no lock file
    end`,
}

// parseError is the start of the error both halves report, from
// strconv.Atoi on the bad version.
var parseError = `bad schema version: strconv.Atoi: parsing "` + termination.BadVersion + `"`

// runMigration runs the migration on a directory whose version file is
// bad. It returns the result, the path of the lock file and the child's pid.
func runMigration(t childproc.T, r role.Role) (res childproc.Result, lock string, pid int) {
	dir := childproc.TempDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "version"), []byte(termination.BadVersion), 0o644))
	p := childproc.Start(t, r, childproc.Args(dir), childproc.Timeout(childproc.FinishBound))
	res = p.Wait(t)
	require.Equal(t, 1, res.ExitCode, "stderr: %s", res.Stderr)
	return res, filepath.Join(dir, "migrate.lock"), p.Pid
}

func proveLockLeft(t childproc.T, r role.Role) {
	res, lock, pid := runMigration(t, r)
	require.Contains(t, res.Stderr, parseError, "log.Fatal printed the error")
	require.Empty(t, res.Events, "Migrate never returned to its caller")
	owner, err := os.ReadFile(lock)
	require.NoError(t, err, "the lock file is still there")
	require.Equal(t, strconv.Itoa(pid), string(owner), "it names the child, which has exited")
	t.Logf("exit 1 from log.Fatal inside the helper; %s still names pid %s, a process that has exited",
		filepath.Base(lock), owner)
}

func proveLockRemoved(t childproc.T, r role.Role) {
	res, lock, _ := runMigration(t, r)
	require.Len(t, res.Events, 1)
	require.True(t, strings.HasPrefix(res.LastEvent(), "error: "+parseError), res.LastEvent())
	require.NoFileExists(t, lock, "the caller's deferred os.Remove ran")
	t.Logf("Migrate returned %q to main, which exited 1; %s was removed on the way", res.LastEvent(), filepath.Base(lock))
}
