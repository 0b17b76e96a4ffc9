//go:build unix

package termination

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// badVersion is what the migration finds in its version file.
const badVersion = "v3"

var fatalInHelperBroken, fatalInHelperFixed = pair("termination/fatal-in-helper", func(c code, args []string) int {
	return report(c.Migrate(args[0]))
})

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
	Broken: catalog.Half{
		Says:  "the process exits in the helper and the lock file stays behind",
		Role:  fatalInHelperBroken,
		Prove: proveLockLeft,
	},
	Fixed: catalog.Half{
		Says:  "the error comes back to main and the lock file is removed",
		Role:  fatalInHelperFixed,
		Prove: proveLockRemoved,
	},
}

// runMigration runs the migration on a directory whose version file is
// bad, and returns the result and the path of the lock file.
func runMigration(t childproc.T, role childproc.Role) (res childproc.Result, lock string, pid int) {
	dir, err := os.MkdirTemp("", "procbugs-migrate-*")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "version"), []byte(badVersion), 0o644))
	p := childproc.Start(t, role, childproc.Args(dir))
	res = p.Wait(t)
	require.Equal(t, 1, res.ExitCode, "stderr: %s", res.Stderr)
	return res, filepath.Join(dir, "migrate.lock"), p.Pid
}

func proveLockLeft(t childproc.T, role childproc.Role) {
	res, lock, pid := runMigration(t, role)
	assert.Contains(t, res.Stderr, `bad schema version: strconv.Atoi: parsing "`+badVersion+`"`, "log.Fatal printed the error")
	assert.Empty(t, res.Events, "Migrate never returned to its caller")
	owner, err := os.ReadFile(lock)
	require.NoError(t, err, "the lock file is still there")
	assert.Equal(t, strconv.Itoa(pid), string(owner), "it names the child, which has exited")
	t.Logf("exit 1 from log.Fatal inside the helper; %s still names pid %s, a process that has exited",
		filepath.Base(lock), owner)
}

func proveLockRemoved(t childproc.T, role childproc.Role) {
	res, lock, _ := runMigration(t, role)
	require.Len(t, res.Events, 1)
	assert.True(t, strings.HasPrefix(res.LastEvent(), `error: bad schema version: strconv.Atoi: parsing "`+badVersion+`"`), res.LastEvent())
	assert.NoFileExists(t, lock, "the caller's deferred os.Remove ran")
	t.Logf("Migrate returned %q to main, which exited 1; %s was removed on the way", res.LastEvent(), filepath.Base(lock))
}
