package childproc

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"procbugs/helpers/role"
)

// Main is a test binary's TestMain. pkgs are the lesson packages whose
// roles the package's tests must all run:
//
//	func TestMain(m *testing.M) { childproc.Main(m, "procbugs/pipes") }
//
// It makes the test process a child subreaper, so that no orphaned
// grandchild escapes to init, gives every child SIGHUP and SIGINT at their
// default actions even under nohup, runs the tests under goleak, and then fails
// the run if a process survived, or if a full run never used a role that
// one of pkgs registered.
func Main(m *testing.M, pkgs ...string) {
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintln(os.Stderr, "childproc:", err)
		os.Exit(1)
	}
	catchInheritedIgnores()
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if leaked := sweepOrphans(); len(leaked) > 0 {
			fmt.Fprintln(os.Stderr, leakReport(leaked))
			code = 1
		}
		if code == 0 && fullRun() {
			for _, d := range role.Defs() {
				if slices.Contains(pkgs, d.Pkg) && !wasUsed(d.Name) {
					fmt.Fprintf(os.Stderr, "childproc: role %q is registered but no test ran it\n", d.Name)
					code = 1
				}
			}
		}
		os.Exit(code)
	}))
}

// fullRun reports whether every test ran, as Go's os/exec tests decide
// whether to check for unused helper commands.
func fullRun() bool {
	for _, name := range []string{"test.run", "test.skip", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return !testing.Short()
}

var (
	usedMu sync.Mutex
	used   = map[string]bool{}
)

func markUsed(r role.Role) (role.Def, error) {
	d, ok := role.Lookup(r.Name())
	if !ok {
		return d, fmt.Errorf("childproc: unknown role %q (is its package imported, and its role registered at package level?)", r.Name())
	}
	usedMu.Lock()
	used[r.Name()] = true
	usedMu.Unlock()
	return d, nil
}

func wasUsed(name string) bool { usedMu.Lock(); defer usedMu.Unlock(); return used[name] }

// SkipWith skips a proof that cannot run here (it needs root, cgo or a
// namespace), and counts its roles as accounted for, so that the
// unused-role check of a full run does not fail for them.
func SkipWith(t T, reason string, rs ...role.Role) {
	t.Helper()
	for _, r := range rs {
		markUsed(r)
	}
	t.Skipf("%s", reason)
}
