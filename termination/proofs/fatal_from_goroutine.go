//go:build unix

package proofs

import (
	"regexp"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

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
	Lint:    "go vet: testinggoroutine (TestFatalFromGoroutineVet); staticcheck: SA2002",
	Test:    "TestFatalFromGoroutine",
	Quiz: catalog.Quiz{
		Scenario: "a test runs its checks in goroutines, and the first check calls t.Fatal",
	},
	Roles: termination.FatalFromGoroutine,
	Broken: catalog.Half{
		Says:  "the test fails but goes on past the failed check",
		Prove: proveTestWentOn,
	},
	Fixed: catalog.Half{
		Says:  "the test stops at the failed check",
		Prove: proveTestStopped,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant D as child, TestDeploy goroutine
    participant G as child, check goroutine
    T->>D: start the child's test run
    D->>G: go check()
    G->>G: the check fails
    alt broken
        G->>G: t.Fatalf ends this goroutine
        D->>D: wg.Wait returns, the test goes on
    else fixed
        G->>G: t.Errorf
        D->>D: wg.Wait returns, t.FailNow stops the test
    end
    D-->>T: FAIL TestDeploy, TestNext still runs, exit 1`,
}

var deployFailed = regexp.MustCompile(`(?m)^--- FAIL: TestDeploy \(`)

// runDeployTest runs the child's tests and checks what both halves share:
// TestDeploy fails with the check's message, its deferred call runs, and
// the test binary lives on to run TestNext.
func runDeployTest(t childproc.T, r role.Role) childproc.Result {
	res := childproc.Finish(t, r)
	require.Equal(t, 1, res.ExitCode, "a failed test run exits 1; stdout: %s stderr: %s", res.Stdout, res.Stderr)
	require.Regexp(t, deployFailed, res.Stdout)
	require.Contains(t, res.Stdout, "check 1: "+termination.FailingCheck)
	require.Contains(t, res.Events, termination.DeployDefer)
	require.Equal(t, termination.NextTestRan, res.LastEvent(), "FailNow ends a goroutine, not the test binary")
	return res
}

func proveTestWentOn(t childproc.T, r role.Role) {
	res := runDeployTest(t, r)
	require.Equal(t, []string{termination.WentOn, termination.DeployDefer, termination.NextTestRan}, res.Events)
	t.Logf("TestDeploy failed with %q yet emitted %q: Goexit ended the check's goroutine only",
		"check 1: "+termination.FailingCheck, termination.WentOn)
}

func proveTestStopped(t childproc.T, r role.Role) {
	res := runDeployTest(t, r)
	require.Equal(t, []string{termination.DeployDefer, termination.NextTestRan}, res.Events)
	t.Logf("TestDeploy failed with %q and stopped there; its deferred call ran and TestNext still ran",
		"check 1: "+termination.FailingCheck)
}
