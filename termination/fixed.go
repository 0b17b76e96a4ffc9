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
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// ExitWithReport writes one line per result to path and exits 1 if any
// of them failed (see ExitWithFailures for why not with their number).
//
// The run() error pattern: writeReport does the work with its deferred
// calls and returns; only then does the caller choose the exit status, when
// there is nothing left to flush or close.
func (Fixed) ExitWithReport(path string, results []string) {
	failed, err := writeReport(path, results)
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(min(failed, 1))
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

// ServeUntilDone serves HTTP on ln until ctx is done, then shuts the server
// down, giving the requests in flight up to drain to finish.
//
// Serve returning ErrServerClosed only says that Shutdown has begun. The
// caller waits for Shutdown itself to return, once the requests in flight
// have finished or drain has passed, and returns its error.
func (Fixed) ServeUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, drain time.Duration) error {
	drained := make(chan error, 1)
	go func() {
		<-ctx.Done()
		drainCtx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		drained <- srv.Shutdown(drainCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-drained
}

// RunJob runs cmd, made with exec.CommandContext(ctx, ...), and tells a
// job that ctx stopped (a timeout, a cancel) from a job that failed.
//
// Once ctx has ended, whatever Run returned is the context's doing: its
// error joins the chain, before the job's own end, which still tells how
// the job died. A job that failed by itself just as ctx ended is reported
// as stopped: nothing can tell the two apart.
func (Fixed) RunJob(ctx context.Context, cmd *exec.Cmd) error {
	err := cmd.Run()
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
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
// A child that exited passes its status on; one that a signal killed makes
// the wrapper die of the same signal (dieOf), so that whoever runs the
// wrapper sees what happened. Only a child that never ran is the wrapper's
// own failure: exit 1.
func (Fixed) RunAndExit(cmd *exec.Cmd) {
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			dieOf(ws.Signal())
		}
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// dieOf ends this process by sig, as sig ended its child. A Go program dies
// of SIGHUP, SIGINT and SIGTERM when it has not asked for them, and of
// SIGKILL, which nothing catches: signal.Reset undoes a Notify of the
// wrapper's own, and raise hands the signal to the calling thread, whose
// handler ends the process before raise returns (dieFromSignal in
// $GOROOT/src/runtime/signal_unix.go). Go turns any other signal sent to it
// into a stack dump or ignores it; for those, and for a signal the process
// inherited as ignored, exit with 128 + its number, as a shell reports it.
func dieOf(sig syscall.Signal) {
	switch sig {
	case syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL:
		signal.Reset(sig)
		raise(sig)
	}
	os.Exit(128 + int(sig))
}

// ExitWithFailures ends the program with a status that says how its checks
// went: failed is how many failed, or -1 if they could not run.
//
// The status only says whether they passed: 0, or 1 for any failure. A
// count belongs in the output; as a status it keeps only its low 8 bits,
// and os.Exit asks for [0, 125] where a program must be portable.
func (Fixed) ExitWithFailures(failed int) {
	if failed != 0 {
		os.Exit(1)
	}
	os.Exit(0)
}

// RunWithin runs cmd and kills it if it runs longer than limit.
//
// The timer is armed only once Start has succeeded and cmd.Process is set,
// and it is stopped when Wait returns: on every path, nothing is left to
// fire. A Kill that comes after Wait signals nothing: a waited-for
// os.Process returns os.ErrProcessDone.
func (Fixed) RunWithin(cmd *exec.Cmd, limit time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	return err
}

// Abort kills a job started with cmd.Start and returns how it ended, for
// the log.
//
// Wait after Kill: it reaps the job and fills in cmd.ProcessState. Its
// error is only the kill itself ("signal: killed"), unless it could not
// wait at all; then there is no state to read.
func (Fixed) Abort(cmd *exec.Cmd) (syscall.WaitStatus, error) {
	if err := cmd.Process.Kill(); err != nil {
		return 0, err
	}
	if err := cmd.Wait(); cmd.ProcessState == nil {
		return 0, err
	}
	return cmd.ProcessState.Sys().(syscall.WaitStatus), nil
}
