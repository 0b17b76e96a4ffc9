package envs

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"procbugs/helpers/childproc"
)

// raceExit is the status a -race binary exits with after reporting a race
// (GORACE exitcode, 66 by default).
const raceExit = 66

// TestSetenvGetenvDoNotRace runs concurrent os.Setenv and os.Getenv in one
// child and a concurrent write and read of a shared Config in another,
// under the race detector, which then reports only the Config.
func TestSetenvGetenvDoNotRace(t *testing.T) {
	if !raceDetector {
		childproc.SkipWith(t, "needs the race detector: go test -race ./envs/ (make test does)", envRace, configRace)
	}
	env := childproc.Run(t, envRace)
	assert.Equal(t, 0, env.ExitCode, env.Stderr)
	assert.NotContains(t, env.Stderr, "DATA RACE")
	assert.Equal(t, []string{"setenv and getenv done"}, env.Events)

	cfg := childproc.Run(t, configRace)
	assert.Equal(t, raceExit, cfg.ExitCode)
	assert.Contains(t, cfg.Stderr, "WARNING: DATA RACE")
	assert.Contains(t, cfg.Stderr, "procbugs/envs.init.")
	assert.Equal(t, []string{"write and read done"}, cfg.Events)
	t.Logf("%d Setenv against %d Getenv+Environ: %s, no race reported; a Config written and read without a lock: %s, WARNING: DATA RACE",
		rounds, rounds, env.Status(), cfg.Status())
}
