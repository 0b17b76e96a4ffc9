//go:build unix

package termination

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

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

// ErrorPaths drives each fixed method that starts a process or opens a
// file through its failures, under role.Audit, and reports what each left
// behind in this process. ExitWithReport is not among them: it ends the
// process, which releases everything.
var ErrorPaths = lesson.Role("error-paths", func([]string) int {
	dir, err := os.MkdirTemp("", "error-paths-*")
	if err != nil {
		return 1
	}
	defer os.RemoveAll(dir)
	logPath := filepath.Join(dir, "child.log")
	held := filepath.Join(dir, "held.lock")
	if err := os.WriteFile(held, nil, 0o644); err != nil {
		return 1
	}
	f := Fixed{}
	for _, c := range []struct {
		name string
		call func()
	}{
		{"RunLogged, log cannot be opened", func() { f.RunLogged(role.Command(complainer), filepath.Join(dir, "no", "child.log")) }},
		{"RunLogged, program missing", func() { f.RunLogged(exec.Command("/nonexistent/program"), logPath) }},
		{"RunLogged, child fails", func() { f.RunLogged(role.Command(failer), logPath) }},
		{"RunExclusive, lock held", func() { f.RunExclusive(held, func() error { return nil }) }},
		{"RunExclusive, work fails", func() {
			f.RunExclusive(filepath.Join(dir, "job.lock"), func() error { return errors.New("work failed") })
		}},
		{"Migrate, no version file", func() { f.Migrate(dir) }},
	} {
		role.Emitf("%s: %v", c.name, role.Audit(c.call))
	}
	// The controls: code that starts a child and never waits for it, and
	// the broken RunExclusive, which leaves its lock file open. The audit
	// must catch both; then what they left is released here.
	forgotten := role.Command(failer)
	role.Emitf("control, Start without Wait: %v", role.Audit(func() { forgotten.Start() }))
	forgotten.Wait()
	leak := role.Audit(func() { Broken{}.RunExclusive(filepath.Join(dir, "broken.lock"), func() error { return nil }) })
	role.Emitf("control, broken RunExclusive: %v", leak)
	return 0
})
