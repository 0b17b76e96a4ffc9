package proofs

import (
	"fmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// GetenvEmpty is the config default that overrides an explicit empty value.
var GetenvEmpty = catalog.Entry{
	ID:      "envs/getenv-empty",
	Title:   "Getenv cannot tell an unset variable from an empty one; LookupEnv can",
	Symptom: "BANNER= (set, empty: \"no banner\") still shows the default banner. The operator cannot turn a feature off.",
	Cause:   "os.Getenv returns \"\" for an unset variable and for one set to \"\" alike, so `if v != \"\"` treats both as not given.",
	Fix:     "os.LookupEnv: its ok is false only when the variable is unset. Use the default only then.",
	Sources: []string{"001 Q1"},
	Refs:    []string{"os.LookupEnv doc: \"Otherwise the returned value will be empty and the boolean will be false\""},
	Func:    "Setting",
	Test:    "TestGetenvEmpty",
	Quiz: catalog.Quiz{
		Scenario: "the operator runs the child with BANNER set and empty, to turn the banner off",
	},
	Roles: envs.GetenvEmpty,
	Broken: catalog.Half{
		Says:  "an explicit empty BANNER gets the default",
		Prove: proveEmptyGetsDefault,
	},
	Fixed: catalog.Half{
		Says:  "an explicit empty BANNER stays empty and only an unset one gets the default",
		Prove: proveEmptyStaysEmpty,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (BANNER=)
    T->>C: start with BANNER= in its environment
    C->>C: os.Getenv("BANNER") = "" → default (broken)
    C->>C: os.LookupEnv("BANNER") = ("", true) → "" (fixed)
    C-->>T: the default banner, or ""`,
}

// runBanner runs the role with BANNER set to "" or not at all, checks
// what Getenv and LookupEnv saw there, and returns the banner chosen.
func runBanner(t childproc.T, r role.Role, set bool) string {
	t.Helper()
	opts := []childproc.Option{childproc.Timeout(childproc.FinishBound)}
	if set {
		opts = append(opts, childproc.Env("BANNER="))
	}
	res := childproc.Run(t, r, opts...)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2, "events: %q", res.Events)
	require.Equal(t, fmt.Sprintf("Getenv=\"\" LookupEnv=(\"\", %v)", set), res.Events[0],
		"Getenv says \"\" either way; LookupEnv's ok says whether BANNER is set")
	return res.Events[1]
}

var defaultBanner = fmt.Sprintf("banner=%q", envs.DefaultBanner)

func proveEmptyGetsDefault(t childproc.T, r role.Role) {
	empty, unset := runBanner(t, r, true), runBanner(t, r, false)
	assert.Equal(t, defaultBanner, empty, "BANNER= is overridden by the default")
	assert.Equal(t, defaultBanner, unset)
	if !t.Failed() {
		t.Logf("BANNER= gave %s, the same as no BANNER at all: the operator cannot turn the banner off", empty)
	}
}

func proveEmptyStaysEmpty(t childproc.T, r role.Role) {
	empty, unset := runBanner(t, r, true), runBanner(t, r, false)
	assert.Equal(t, `banner=""`, empty, "BANNER= keeps its empty value")
	assert.Equal(t, defaultBanner, unset, "no BANNER gets the default")
	if !t.Failed() {
		t.Logf("BANNER= gave %s; no BANNER gave %s", empty, unset)
	}
}
