package zombies

import "time"

// Backoff is a supervisor's restart policy.
type Backoff struct {
	Initial time.Duration // the wait after the first crash
	Max     time.Duration // the longest wait
	Healthy time.Duration // a run longer than this resets the wait to Initial
}
