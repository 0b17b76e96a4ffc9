//go:build unix

package signals

import (
	"os"
	"os/signal"
)

// stopForwarding unregisters a forwarding channel and closes it, which
// ends the goroutine that ranges over it. Closing is safe once Stop has
// returned: "it is guaranteed that c will receive no more signals"
// (signal.Stop). broken.go and fixed.go share it: their bugs are elsewhere.
func stopForwarding(c chan os.Signal) {
	signal.Stop(c)
	close(c)
}
