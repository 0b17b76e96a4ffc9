package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOnlyTheLessonsAreForgiven(t *testing.T) {
	out := `{}
{
	"procbugs/signals": {
		"sigchanyzer": [
			{"posn": "/repo/signals/broken.go:32:2", "message": "misuse of unbuffered os.Signal channel"},
			{"posn": "/repo/signals/fixed.go:30:2", "message": "misuse of unbuffered os.Signal channel"}
		],
		"printf": [
			{"posn": "/repo/signals/broken.go:40:2", "message": "wrong verb"}
		]
	}
}
`
	bad := report(strings.NewReader(out), "/repo")
	assert.Equal(t, 2, bad, "the same analyzer in fixed.go, and another analyzer in broken.go")
	if !t.Failed() {
		t.Logf("of 3 diagnostics, only sigchanyzer in signals/broken.go was forgiven")
	}
}
