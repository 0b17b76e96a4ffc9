package envs

import (
	"fmt"
	"os"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const defaultBanner = "welcome to procbugs"

// The child reports what Getenv and LookupEnv return for BANNER, then the
// banner the code chose.
var getenvEmptyBroken, getenvEmptyFixed = pair("envs/getenv-empty", func(c code) int {
	v, ok := os.LookupEnv("BANNER")
	childproc.Emitf("Getenv=%q LookupEnv=(%q, %v)", os.Getenv("BANNER"), v, ok)
	childproc.Emitf("banner=%q", c.Setting("BANNER", defaultBanner))
	return 0
})

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
	Broken: catalog.Half{
		Says:  "an explicit empty BANNER gets the default",
		Role:  getenvEmptyBroken,
		Prove: proveEmptyGetsDefault,
	},
	Fixed: catalog.Half{
		Says:  "an explicit empty BANNER stays empty and only an unset one gets the default",
		Role:  getenvEmptyFixed,
		Prove: proveEmptyStaysEmpty,
	},
}

// runBanner runs the role with BANNER set to "" (empty) or not at all, and
// checks what Getenv and LookupEnv saw there.
func runBanner(t childproc.T, role childproc.Role, set bool) string {
	t.Helper()
	var opts []childproc.Option
	if set {
		opts = append(opts, childproc.Env("BANNER="))
	}
	res := childproc.Run(t, role, opts...)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2, "events: %q", res.Events)
	assert.Equal(t, fmt.Sprintf("Getenv=\"\" LookupEnv=(\"\", %v)", set), res.Events[0],
		"Getenv says \"\" either way; LookupEnv's ok says whether BANNER is set")
	return res.Events[1]
}

func proveEmptyGetsDefault(t childproc.T, role childproc.Role) {
	empty, unset := runBanner(t, role, true), runBanner(t, role, false)
	want := fmt.Sprintf("banner=%q", defaultBanner)
	assert.Equal(t, want, empty, "BANNER= is overridden by the default")
	assert.Equal(t, want, unset)
	t.Logf("BANNER= gave %s, the same as no BANNER at all: %s", empty, unset)
}

func proveEmptyStaysEmpty(t childproc.T, role childproc.Role) {
	empty, unset := runBanner(t, role, true), runBanner(t, role, false)
	assert.Equal(t, `banner=""`, empty, "BANNER= keeps its empty value")
	assert.Equal(t, fmt.Sprintf("banner=%q", defaultBanner), unset, "no BANNER gets the default")
	t.Logf("BANNER= gave %s; no BANNER gave %s", empty, unset)
}
