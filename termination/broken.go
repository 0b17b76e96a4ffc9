//go:build unix

package termination

import (
	"bufio"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Broken holds the shutdown code as it is often first written.
type Broken struct{}

// ExitWithReport writes one line per result to path and exits with the
// number of failures as its status.
//
// os.Exit ends the process at once: the deferred Flush and Close never
// run, so the lines still sitting in the bufio.Writer are lost and the file
// is left empty.
func (Broken) ExitWithReport(path string, results []string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	failed := 0
	for _, r := range results {
		fmt.Fprintln(w, r)
		if strings.HasPrefix(r, "FAIL") {
			failed++
		}
	}
	os.Exit(failed)
}

// Migrate takes the lock file in dir, brings the schema up to date and
// removes the lock.
//
// schemaVersion calls log.Fatal when the version file is bad: the process
// exits inside the helper, the deferred os.Remove of the caller never runs,
// and the stale lock blocks every later migration.
func (Broken) Migrate(dir string) error {
	lock := filepath.Join(dir, "migrate.lock")
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	defer os.Remove(lock)
	v := schemaVersionOrExit(dir)
	return os.WriteFile(filepath.Join(dir, "version"), []byte(strconv.Itoa(v+1)), 0o644)
}

func schemaVersionOrExit(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "version"))
	if err != nil {
		log.Fatal(err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		log.Fatalf("bad schema version: %v", err)
	}
	return v
}

// ProcessAll handles every item in a goroutine of its own, and turns a
// panic into an error with a deferred recover.
//
// recover only stops a panic of its own goroutine: a panic in a worker
// walks up the worker's stack, finds no recover there and kills the
// process, main's recover notwithstanding.
func (Broken) ProcessAll(items []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			process(it)
		}()
	}
	wg.Wait()
	return nil
}

// Describe says how a command run by exec ended.
//
// ExitCode is -1 for a child that a signal ended: the report says
// "exit status -1", which neither a shell nor a person can act on.
func (Broken) Describe(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}

// CheckAll runs the checks at once and stops the test at the first that
// fails.
//
// t.Fatal calls runtime.Goexit, which ends the goroutine that calls it: the
// check's goroutine, not the test's. The test goes on after CheckAll as if
// every check had passed; go vet's testinggoroutine reports the call.
func (Broken) CheckAll(t *testing.T, checks []func() error) {
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Add(1)
		//lint:ignore SA2002 the bug this entry teaches
		go func() {
			defer wg.Done()
			if err := check(); err != nil {
				t.Fatalf("check %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
}

// RunLogged runs cmd with its stderr appended to the log file at logPath.
//
// withLog closes the file when it returns, before the command starts. The
// child gets no stderr at all, Run still returns nil, and every warning the
// child printed is gone.
func (Broken) RunLogged(cmd *exec.Cmd, logPath string) error {
	if err := withLog(cmd, logPath); err != nil {
		return err
	}
	return cmd.Run()
}

func withLog(cmd *exec.Cmd, logPath string) error {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd.Stderr = f
	return nil
}

// RunExclusive creates lockPath so that no second instance runs at the same
// time, does the work, and leaves the removal of the lock file to a cleanup
// attached to the lock.
//
// The runtime runs a cleanup (or a finalizer) only after a garbage
// collection has found the lock unreachable, and never at exit: the lock
// file outlives the process and the next run refuses to start.
func (Broken) RunExclusive(lockPath string, work func() error) error {
	f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("another instance is running: %w", err)
	}
	lock := &lockFile{f: f, path: lockPath}
	runtime.AddCleanup(lock, func(path string) { os.Remove(path) }, lockPath)
	return work()
}
