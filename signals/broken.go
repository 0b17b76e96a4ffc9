//go:build unix

package signals

import (
	"os"
	"os/signal"
)

// Broken holds the signal-handling code as it is often first written.
type Broken struct{}

// NotifyChannel returns a channel that receives the given signals.
//
// The channel is unbuffered. os/signal never blocks to deliver
// ($GOROOT/src/os/signal/signal.go, process: "send but do not block for
// it"), so a signal that arrives while nobody is receiving is dropped.
func (Broken) NotifyChannel(sig ...os.Signal) chan os.Signal {
	c := make(chan os.Signal)
	//lint:ignore SA1017 the unbuffered channel is the bug this entry teaches
	signal.Notify(c, sig...)
	return c
}
