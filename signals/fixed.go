//go:build unix

package signals

import (
	"os"
	"os/signal"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// NotifyChannel returns a channel that receives the given signals.
//
// One slot of buffer keeps a signal that arrives while nobody is
// receiving, until someone does ("For a channel used for notification of
// just one signal value, a buffer of size 1 is sufficient", signal.Notify).
func (Fixed) NotifyChannel(sig ...os.Signal) chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, sig...)
	return c
}
