//go:build unix

package termination

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Broken holds the shutdown code as it is often first written.
type Broken struct{}

// ExitWithReport writes one line per result to path and exits 1 if any
// of them failed (see ExitWithFailures for why not with their number).
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
	os.Exit(min(failed, 1))
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

// ServeUntilDone serves HTTP on ln until ctx is done, then shuts the server
// down, giving the requests in flight up to drain to finish.
//
// Shutdown runs in a goroutine of its own, and Serve returns
// ErrServerClosed as soon as Shutdown has closed the listener, not once it
// has drained. ServeUntilDone returns, main returns, and the process ends
// with the requests in flight cut off.
func (Broken) ServeUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, drain time.Duration) error {
	go func() {
		<-ctx.Done()
		drainCtx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		srv.Shutdown(drainCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// RunJob runs cmd, made with exec.CommandContext(ctx, ...), and tells a
// job that ctx stopped (a timeout, a cancel) from a job that failed.
//
// When ctx ends while the job runs, exec kills it, and Run returns how the
// job ended: "signal: killed", an *exec.ExitError with no context error in
// its chain. errors.Is matches only when ctx had ended before Start, so a
// job stopped while it ran is reported as a failure.
func (Broken) RunJob(ctx context.Context, cmd *exec.Cmd) error {
	err := cmd.Run()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("job stopped: %w", err)
	}
	if err != nil {
		return fmt.Errorf("job failed: %w", err)
	}
	return nil
}

// RunAndExit runs cmd as the whole of this program's work, a wrapper like
// go run, and ends the program the way cmd ended.
//
// Every failure becomes exit 1: a child that exited 3 and a child that
// SIGTERM killed look the same to whoever runs the wrapper, and CI,
// systemd or Kubernetes act on the wrong status.
func (Broken) RunAndExit(cmd *exec.Cmd) {
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// ExitWithFailures ends the program with a status that says how its checks
// went: failed is how many failed, or -1 if they could not run.
//
// The parent sees only the low 8 bits of the status: 256 failures exit 0,
// a success, and -1 exits 255.
func (Broken) ExitWithFailures(failed int) {
	os.Exit(failed)
}

// RunWithin runs cmd and kills it if it runs longer than limit.
//
// The kill timer is armed before Start and stopped only after Wait. When
// Start fails, cmd.Process stays nil and the timer still fires: Kill on a
// nil *os.Process panics in the timer's goroutine, and the program dies
// after its caller has handled the error.
func (Broken) RunWithin(cmd *exec.Cmd, limit time.Duration) error {
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	if err := cmd.Start(); err != nil {
		return err
	}
	err := cmd.Wait()
	timer.Stop()
	return err
}

// Abort kills a job started with cmd.Start and returns how it ended, for
// the log.
//
// Kill only sends SIGKILL. cmd.ProcessState is filled in by Wait, which
// nobody called: it is still nil, Sys dereferences it, and the program
// crashes where it meant to log, leaving the job a zombie.
func (Broken) Abort(cmd *exec.Cmd) (syscall.WaitStatus, error) {
	if err := cmd.Process.Kill(); err != nil {
		return 0, err
	}
	return cmd.ProcessState.Sys().(syscall.WaitStatus), nil
}
