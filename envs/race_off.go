//go:build !race

package envs

// raceDetector tells whether this binary was built with -race.
const raceDetector = false
