package envs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// TestSecretHidesUnderEveryVerb prints a Config that holds a Secret, in a
// child, in every way code prints values, and reads what reached stdout.
func TestSecretHidesUnderEveryVerb(t *testing.T) {
	res := childproc.Run(t, secretFormats)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	const cfgPlain = `{svc  <redacted>}`
	assert.Equal(t, []string{
		`%v: ` + cfgPlain,
		`%+v: {Name:svc Listen: DatabaseURL:<redacted>}`,
		`%#v: envs.Config{Name:"svc", Listen:"", DatabaseURL:envs.Secret("<redacted>")}`,
		`%s: ` + cfgPlain,
		`%q: {"svc" "" <redacted>}`,
		`%x: <redacted>`,
		`Secret %v: <redacted>`,
		`Secret %#v: envs.Secret("<redacted>")`,
		`Secret %q: <redacted>`,
		`String(): <redacted>`,
		`GoString(): envs.Secret("<redacted>")`,
		`json Config: {"Name":"svc","Listen":"","DatabaseURL":"\u003credacted\u003e"}`,
		`json Secret: "\u003credacted\u003e"`,
		`Println: ` + cfgPlain,
		`unexported field %v: {` + databaseURL + `}`,
	}, lines)
	leaked := 0
	for _, l := range lines {
		if strings.Contains(l, password) {
			leaked++
		}
	}
	assert.Equal(t, 1, leaked, "only the unexported field shows the password")
	t.Logf("%d of %d ways of printing hid the secret; a Secret in an unexported field printed raw: %q",
		len(lines)-leaked, len(lines), lines[len(lines)-1])
}
