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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// ExitWithReport writes one line per result to path and exits with the
// number of failures as its status.
//
// The run() error pattern: writeReport does the work with its deferred
// calls and returns; only then does the caller choose the exit status, when
// there is nothing left to flush or close.
func (Fixed) ExitWithReport(path string, results []string) {
	failed, err := writeReport(path, results)
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(failed)
}

func writeReport(path string, results []string) (failed int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, r := range results {
		fmt.Fprintln(w, r)
		if strings.HasPrefix(r, "FAIL") {
			failed++
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return failed, f.Close()
}

// Migrate takes the lock file in dir, brings the schema up to date and
// removes the lock.
//
// schemaVersion returns its error instead of exiting: Migrate returns
// through its deferred os.Remove, and only main decides to exit.
func (Fixed) Migrate(dir string) error {
	lock := filepath.Join(dir, "migrate.lock")
	if err := os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	defer os.Remove(lock)
	v, err := schemaVersion(dir)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "version"), []byte(strconv.Itoa(v+1)), 0o644)
}

func schemaVersion(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "version"))
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("bad schema version: %w", err)
	}
	return v, nil
}

// ProcessAll handles every item in a goroutine of its own, and turns a
// panic into an error.
//
// Each worker recovers its own panic, in its own goroutine, and hands it
// back as an error: group is errgroup.Group with that one addition.
func (Fixed) ProcessAll(items []string) (err error) {
	var g group
	for _, it := range items {
		g.Go(func() error {
			process(it)
			return nil
		})
	}
	return g.Wait()
}

// group runs functions in goroutines and returns the first error, a panic
// included, from Wait.
type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				g.once.Do(func() { g.err = fmt.Errorf("panic: %v", r) })
			}
		}()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

// Describe says how a command run by exec ended.
//
// The wait status tells an exit from a death by signal; a shell reports
// the latter as 128 plus the signal's number.
func (Fixed) Describe(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			s := fmt.Sprintf("killed by signal %d (%v); a shell shows %d", int(ws.Signal()), ws.Signal(), 128+int(ws.Signal()))
			if ws.CoreDump() {
				s += ", core dumped"
			}
			return s
		}
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
// The goroutines only record failures with t.Error, which is safe from any
// goroutine; FailNow is called on the test's own goroutine, so the test
// stops here.
func (Fixed) CheckAll(t *testing.T, checks []func() error) {
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := check(); err != nil {
				t.Errorf("check %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// RunLogged runs cmd with its stderr appended to the log file at logPath.
//
// The file stays open until Run has returned, so the child inherits it.
func (Fixed) RunLogged(cmd *exec.Cmd, logPath string) error {
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd.Stderr = f
	return cmd.Run()
}

// RunExclusive creates lockPath so that no second instance runs at the same
// time, does the work, and removes the lock file.
//
// A deferred call removes it, on every return path. Nothing removes it on
// os.Exit or a kill: a lock that must survive a crash is a flock(2) on an
// open descriptor, which the kernel releases when the process ends.
func (Fixed) RunExclusive(lockPath string, work func() error) error {
	f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("another instance is running: %w", err)
	}
	lock := &lockFile{f: f, path: lockPath}
	defer lock.release()
	return work()
}
