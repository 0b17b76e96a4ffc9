package childproc

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Main is a test binary's TestMain:
//
//	func TestMain(m *testing.M) { childproc.Main(m) }
//
// In a child it runs the role and exits, before goleak or any test starts.
// In the parent it makes the test process a child subreaper, so that no
// orphaned grandchild escapes to init, runs the tests under goleak, and then
// fails the run if a process survived, or if a role that the package
// registered was never used by a full run.
func Main(m *testing.M) {
	Dispatch()
	owner := callerPackage(2)
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintln(os.Stderr, "childproc:", err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if leaked := sweepOrphans(); len(leaked) > 0 {
			fmt.Fprintln(os.Stderr, leakReport(leaked))
			code = 1
		}
		if code == 0 && fullRun() {
			for _, r := range unusedRoles(owner) {
				fmt.Fprintf(os.Stderr, "childproc: role %q is registered but no test ran it\n", r)
				code = 1
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
