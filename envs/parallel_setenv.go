package envs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The child is a tiny test binary: testing.Main runs one test whose two
// subtests check the greeting for two names, in parallel, with
// c.CheckGreeting. Its arguments are testing's flags (-test.v).
var parallelSetenvBroken, parallelSetenvFixed = pair("envs/parallel-setenv", func(c code) int {
	greeting := func(t *testing.T) {
		for _, name := range []string{"ada", "grace"} {
			t.Run(name, func(t *testing.T) { c.CheckGreeting(t, name) })
		}
	}
	matchAll := func(pat, str string) (bool, error) { return true, nil }
	testing.Main(matchAll, []testing.InternalTest{{Name: "TestGreeting", F: greeting}}, nil, nil)
	return 0 // not reached: testing.Main exits
})

// ParallelSetenv is configuration read from the environment in a test.
var ParallelSetenv = catalog.Entry{
	ID:    "envs/parallel-setenv",
	Title: "t.Setenv panics in a parallel test: read the environment once into a Config",
	Symptom: "A test that calls t.Parallel and t.Setenv panics: `testing: test using t.Setenv, t.Chdir, or " +
		"cryptotest.SetGlobalRandom can not use t.Parallel`. Drop t.Parallel and the suite runs serially.",
	Cause: "The environment is one table for the whole process: two parallel tests setting GREET_NAME would read each other's value. " +
		"testing refuses the combination outright ($GOROOT/src/testing/testing.go, checkParallel and Parallel: parallelConflict).",
	Fix: "Read the environment once, in main, into a Config, and pass the Config down. A test builds the Config it wants " +
		"and needs no process-wide state, so it can run in parallel.",
	Sources: []string{"001 Q15"},
	Refs:    []string{"testing.T.Setenv doc: \"it cannot be used in parallel tests or tests with parallel ancestors\""},
	Func:    "CheckGreeting",
	Test:    "TestParallelSetenv",
	Broken: catalog.Half{
		Says:  "the parallel test that calls t.Setenv panics",
		Role:  parallelSetenvBroken,
		Prove: proveSetenvPanics,
	},
	Fixed: catalog.Half{
		Says:  "the tests that take a Config run in parallel and pass",
		Role:  parallelSetenvFixed,
		Prove: proveParallelPasses,
	},
}

const parallelConflict = "testing: test using t.Setenv, t.Chdir, or cryptotest.SetGlobalRandom can not use t.Parallel"

func proveSetenvPanics(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Args("-test.v"))
	assert.Equal(t, 2, res.ExitCode, "a panicking test binary exits 2")
	out := res.Stdout + res.Stderr
	assert.Contains(t, out, "panic: "+parallelConflict)
	assert.Contains(t, out, "testing.(*T).Setenv(", "the panic comes from t.Setenv")
	assert.NotContains(t, out, "--- PASS: TestGreeting/")
	t.Logf("%s; %q", res.Status(), "panic: "+parallelConflict)
}

func proveParallelPasses(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Args("-test.v"))
	require.Equal(t, 0, res.ExitCode, "%s\n%s", res.Stdout, res.Stderr)
	for _, name := range []string{"ada", "grace"} {
		assert.Contains(t, res.Stdout, "=== PAUSE TestGreeting/"+name, "t.Parallel paused it")
		assert.Contains(t, res.Stdout, "=== CONT  TestGreeting/"+name, "and resumed it in parallel")
		assert.Contains(t, res.Stdout, "--- PASS: TestGreeting/"+name)
	}
	t.Logf("%s; TestGreeting/ada and TestGreeting/grace paused, continued in parallel and passed", res.Status())
}
