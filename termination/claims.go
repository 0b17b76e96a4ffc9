//go:build unix

package termination

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims about termination that neither an
// entry nor the table covers, and the audit of the fixed code's error
// paths. Each runs in a child process; claims_test.go watches it.

// WaitWithoutStart (C114) calls Wait on a command that was never started:
// the first half of 000 §19's "Wait returns success but child didn't run".
var WaitWithoutStart = lesson.Role("claim/wait-without-start", func([]string) int {
	cmd := role.Command(complainer)
	role.Emitf("Wait returned %v", cmd.Wait())
	return 0
})

// FinalizerAfterGC (C003) leaves garbage with a finalizer, forces a
// collection and waits, blocked on a channel, for the finalizer to run:
// finalizers do run, once a collection has found their object unreachable.
var FinalizerAfterGC = lesson.Role("claim/finalizer-after-gc", func([]string) int {
	ran := make(chan struct{})
	func() {
		r := &resource{name: "temp"}
		runtime.SetFinalizer(r, func(*resource) { close(ran) })
	}()
	role.Emitf("collections before: %d", collections())
	runtime.GC()
	<-ran
	role.Emit(FinalizerRan)
	return 0
})

// TypedErrors (C091, C092) starts commands that fail in each way 000 §17
// names, and reports the type of each error and what errors.Is and
// os.IsNotExist say of it.
var TypedErrors = lesson.Role("claim/typed-errors", func([]string) int {
	dir, err := os.MkdirTemp("", "typed-errors-*")
	if err != nil {
		return 1
	}
	defer os.RemoveAll(dir)
	notExecutable := filepath.Join(dir, "script")
	if err := os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644); err != nil {
		return 1
	}
	describe := func(name string, err error) {
		role.Emitf("%s: %T ErrNotExist=%t ErrPermission=%t ErrExist=%t ErrNotFound=%t", name, err,
			errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrExist),
			errors.Is(err, exec.ErrNotFound))
	}
	describe("exit 2", exec.Command("/bin/sh", "-c", "exit 2").Run())
	describe("not executable", exec.Command(notExecutable).Run())
	describe("missing path", exec.Command(filepath.Join(dir, "missing")).Run())
	describe("missing in PATH", exec.Command("no-such-program-anywhere").Run())
	_, err = os.OpenFile(notExecutable, os.O_CREATE|os.O_EXCL, 0o644)
	describe("O_EXCL on an existing file", err)

	_, err = os.Open(filepath.Join(dir, "missing"))
	wrapped := fmt.Errorf("loading config: %w", err)
	role.Emitf("bare: os.IsNotExist=%t errors.Is=%t; wrapped: os.IsNotExist=%t errors.Is=%t",
		os.IsNotExist(err), errors.Is(err, fs.ErrNotExist), os.IsNotExist(wrapped), errors.Is(wrapped, fs.ErrNotExist))
	return 0
})

// ErrorPathGroups name the groups of error paths ErrorPaths drives, one
// child each, so that no child runs more than a few programs in a row.
var ErrorPathGroups = []string{"files", "jobs", "timers"}

// An errorPath is one way a fixed method fails, in one of ErrorPathGroups.
type errorPath struct {
	group, name string
	call        func()
}

// errorPaths lists the failures of every fixed method that starts a
// process or opens a file. ExitWithReport and RunAndExit are not among
// them: they end the process, which releases everything.
func errorPaths(dir string) []errorPath {
	f := Fixed{}
	logPath := filepath.Join(dir, "child.log")
	held := filepath.Join(dir, "held.lock")
	return []errorPath{
		{"files", "RunLogged, log cannot be opened", func() {
			f.RunLogged(role.Command(complainer), filepath.Join(dir, "no", "child.log"))
		}},
		{"files", "RunLogged, program missing", func() { f.RunLogged(exec.Command(MissingProgram), logPath) }},
		{"files", "RunLogged, child fails", func() { f.RunLogged(role.Command(failer), logPath) }},
		{"files", "RunExclusive, lock held", func() {
			if os.WriteFile(held, nil, 0o644) == nil {
				f.RunExclusive(held, func() error { return nil })
			}
		}},
		{"files", "RunExclusive, work fails", func() {
			f.RunExclusive(filepath.Join(dir, "job.lock"), func() error { return errors.New("work failed") })
		}},
		{"files", "Migrate, no version file", func() { f.Migrate(dir) }},
		{"jobs", "RunJob, program missing", func() {
			f.RunJob(context.Background(), exec.CommandContext(context.Background(), MissingProgram))
		}},
		{"jobs", "RunJob, deadline passed before Start", func() {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now())
			defer cancel()
			f.RunJob(ctx, commandContext(ctx, job))
		}},
		{"jobs", "RunJob, job fails", func() { f.RunJob(context.Background(), commandContext(context.Background(), failer)) }},
		{"jobs", "RunJob, cancelled while the job runs", func() { cancelWhileRunning(f.RunJob) }},
		{"timers", "RunWithin, program missing", func() { f.RunWithin(exec.Command(MissingProgram), 0) }},
		{"timers", "RunWithin, job fails", func() { f.RunWithin(role.Command(failer), time.Minute) }},
		{"timers", "RunWithin, job outlives its limit", func() { f.RunWithin(role.Command(victim, "block"), 0) }},
		{"timers", "Abort, job running", func() {
			cmd := role.Command(victim, "block")
			if cmd.Start() == nil {
				f.Abort(cmd)
			}
		}},
		{"timers", "Abort, job already waited for", func() {
			cmd := role.Command(failer)
			cmd.Run()
			f.Abort(cmd)
		}},
	}
}

// ErrorPaths drives the fixed methods through the error paths of the group
// it is given, each under role.Audit, and reports what each left behind in
// this process. Given "controls", it runs the controls instead: code that
// starts a child and never waits for it, and the broken RunExclusive, which
// leaves its lock file open. The audit must catch both; then what they left
// is released here.
var ErrorPaths = lesson.Role("error-paths", func(args []string) int {
	dir, err := os.MkdirTemp("", "error-paths-*")
	if err != nil {
		return 1
	}
	defer os.RemoveAll(dir)
	if args[0] == "controls" {
		forgotten := role.Command(failer)
		role.Emitf("control, Start without Wait: %v", role.Audit(func() { forgotten.Start() }))
		forgotten.Wait()
		leak := role.Audit(func() { Broken{}.RunExclusive(filepath.Join(dir, "broken.lock"), func() error { return nil }) })
		role.Emitf("control, broken RunExclusive: %v", leak)
		return 0
	}
	for _, p := range errorPaths(dir) {
		if p.group == args[0] {
			role.Emitf("%s: %v", p.name, role.Audit(p.call))
		}
	}
	return 0
})
