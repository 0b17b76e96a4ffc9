//go:build unix

package termination

import (
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// Events of the test run inside the child.
const (
	wentOn       = "TestDeploy went on after CheckAll"
	deployDefer  = "TestDeploy's deferred call ran"
	nextTestRan  = "TestNext ran"
	failingCheck = "config file missing"
)

var fatalFromGoroutineBroken, fatalFromGoroutineFixed = pair("termination/fatal-from-goroutine", func(c code, _ []string) int {
	// A real test run in the child, through the testing package's own
	// runner: testing.Main exists for programs that run tests without
	// go test. It parses no flags but the child's (none) and exits.
	testing.Main(func(string, string) (bool, error) { return true, nil }, []testing.InternalTest{
		{Name: "TestDeploy", F: func(t *testing.T) {
			defer childproc.Emit(deployDefer)
			c.CheckAll(t, []func() error{
				func() error { return nil },
				func() error { return errors.New(failingCheck) },
			})
			childproc.Emit(wentOn) // the deployment step a failed check should have stopped
		}},
		{Name: "TestNext", F: func(*testing.T) { childproc.Emit(nextTestRan) }},
	}, nil, nil)
	return 0
})

// FatalFromGoroutine is 000 §12's remark on t.FailNow, from the wrong goroutine.
var FatalFromGoroutine = catalog.Entry{
	ID:    "termination/fatal-from-goroutine",
	Title: "t.Fatal in a goroutine the test started does not stop the test",
	Symptom: "A test reports the failure, yet the code after the failing check runs anyway: " +
		"it dereferences a nil result, deploys, or, without a deferred wg.Done, hangs in Wait until the test times out.",
	Cause: "FailNow marks the test failed and calls runtime.Goexit ($GOROOT/src/testing/testing.go, FailNow), " +
		"which ends the goroutine that calls it: the check's goroutine, not the test's.",
	Fix: "Report from goroutines with t.Error (safe from any goroutine) or send the error back, " +
		"and call t.FailNow on the test's goroutine after they are done.",
	Sources: []string{"000 §12", "001 Q10"},
	Refs:    []string{"testing.T.FailNow doc: \"FailNow must be called from the goroutine running the test\""},
	Func:    "CheckAll",
	Lint:    "go vet: testinggoroutine; staticcheck: SA2002",
	Test:    "TestFatalFromGoroutine",
	Broken: catalog.Half{
		Says:  "the test fails but goes on past the failed check",
		Role:  fatalFromGoroutineBroken,
		Prove: proveTestWentOn,
	},
	Fixed: catalog.Half{
		Says:  "the test stops at the failed check",
		Role:  fatalFromGoroutineFixed,
		Prove: proveTestStopped,
	},
}

// runDeployTest runs the child's tests and checks what both halves share:
// TestDeploy fails with the check's message, its deferred call runs, and
// the test binary lives on to run TestNext.
func runDeployTest(t childproc.T, role childproc.Role) childproc.Result {
	res := childproc.Run(t, role)
	require.Equal(t, 1, res.ExitCode, "a failed test run exits 1; stdout: %s stderr: %s", res.Stdout, res.Stderr)
	assert.Regexp(t, regexp.MustCompile(`(?m)^--- FAIL: TestDeploy \(`), res.Stdout)
	assert.Contains(t, res.Stdout, "check 1: "+failingCheck)
	assert.Contains(t, res.Events, deployDefer)
	assert.Equal(t, nextTestRan, res.LastEvent(), "FailNow ends a goroutine, not the test binary")
	return res
}

func proveTestWentOn(t childproc.T, role childproc.Role) {
	res := runDeployTest(t, role)
	assert.Equal(t, []string{wentOn, deployDefer, nextTestRan}, res.Events)
	t.Logf("TestDeploy failed with %q yet emitted %q: Goexit ended the check's goroutine only", "check 1: "+failingCheck, wentOn)
}

func proveTestStopped(t childproc.T, role childproc.Role) {
	res := runDeployTest(t, role)
	assert.Equal(t, []string{deployDefer, nextTestRan}, res.Events)
	t.Logf("TestDeploy failed with %q and stopped there; its deferred call ran and TestNext still ran", "check 1: "+failingCheck)
}
