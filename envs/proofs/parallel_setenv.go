package proofs

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// ParallelSetenv is configuration read from the environment in a test.
var ParallelSetenv = catalog.Entry{
	ID:    "envs/parallel-setenv",
	Title: "t.Setenv panics in a parallel test: read the environment once into a Config",
	Symptom: "A test that calls t.Parallel and t.Setenv panics: `" + parallelConflict + "`. " +
		"Drop t.Parallel and the suite runs serially.",
	Cause: "The environment is one table for the whole process: two parallel tests setting GREET_NAME would read each other's value. " +
		"testing refuses the combination outright ($GOROOT/src/testing/testing.go, checkParallel and Parallel: parallelConflict).",
	Fix: "Read the environment once, in main, into a Config, and pass the Config down. A test builds the Config it wants " +
		"and needs no process-wide state, so it can run in parallel.",
	Sources: []string{"001 Q15"},
	Refs:    []string{"testing.T.Setenv doc: \"it cannot be used in parallel tests or tests with parallel ancestors\""},
	Func:    "CheckGreeting",
	Test:    "TestParallelSetenv",
	Quiz: catalog.Quiz{
		Scenario: "a test binary runs its subtests in parallel, each checking the greeting for its own GREET_NAME",
		Wrong:    "the parallel subtests each see their own GREET_NAME, and pass",
	},
	Roles: envs.ParallelSetenv,
	Broken: catalog.Half{
		Says:  "the parallel test that calls t.Setenv panics",
		Prove: proveSetenvPanics,
	},
	Fixed: catalog.Half{
		Says:  "the tests that take a Config run in parallel and pass",
		Prove: proveParallelPasses,
	},
	Diagram: `sequenceDiagram
    participant C as child: testing.Main
    participant A as TestGreeting/ada
    participant G as TestGreeting/grace
    C->>A: t.Run, t.Parallel (PAUSE)
    C->>G: t.Run, t.Parallel (PAUSE)
    A->>A: t.Setenv panics (broken)
    Note over A,G: fixed: both PASS`,
}

// parallelConflict is the panic of testing.(*T).Setenv in a parallel test.
const parallelConflict = "testing: test using t.Setenv, t.Chdir, or cryptotest.SetGlobalRandom can not use t.Parallel"

func runGreetingTests(t childproc.T, r role.Role) childproc.Result {
	t.Helper()
	return childproc.Finish(t, r, childproc.Args("-test.v"))
}

func proveSetenvPanics(t childproc.T, r role.Role) {
	res := runGreetingTests(t, r)
	out := res.Stdout + res.Stderr
	require.Equal(t, 2, res.ExitCode, "a test binary that panics exits 2\n%s", out)
	require.Contains(t, out, "panic: "+parallelConflict)
	require.Contains(t, out, "testing.(*T).Setenv(", "the panic comes from t.Setenv")
	require.NotContains(t, out, "--- PASS: TestGreeting/")
	t.Logf("%s, %q from testing.(*T).Setenv", res.Status(), "panic: "+parallelConflict)
}

func proveParallelPasses(t childproc.T, r role.Role) {
	res := runGreetingTests(t, r)
	require.Equal(t, 0, res.ExitCode, "%s\n%s", res.Stdout, res.Stderr)
	for _, name := range envs.GreetingNames {
		assert.Contains(t, res.Stdout, "=== PAUSE TestGreeting/"+name, "t.Parallel paused it")
		assert.Contains(t, res.Stdout, "=== CONT  TestGreeting/"+name, "and resumed it in parallel")
		assert.Contains(t, res.Stdout, "--- PASS: TestGreeting/"+name)
	}
	if !t.Failed() {
		t.Logf("%s; the subtests %v paused, continued in parallel and passed", res.Status(), envs.GreetingNames)
	}
}
