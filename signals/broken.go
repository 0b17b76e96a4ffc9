//go:build unix

package signals

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
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

// ServeUntilTerminated serves HTTP on ln until SIGINT or SIGTERM.
//
// It exits from the signal handler. os.Exit ends the process at once:
// the request in flight gets no response, its client sees the connection
// close, and no deferred function runs.
func (Broken) ServeUntilTerminated(srv *http.Server, ln net.Listener, drain time.Duration) error {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-c
		log.Print("shutting down")
		os.Exit(0)
	}()
	return srv.Serve(ln)
}

// ServeWithNotifyContext is the graceful shutdown of 001 Q3, as written.
//
// The deferred stop runs only when the function returns, after the drain.
// Until then the context's channel still catches SIGINT and SIGTERM, so a
// second Ctrl-C during the drain is swallowed instead of ending the process.
func (Broken) ServeWithNotifyContext(srv *http.Server, ln net.Listener, drain time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go srv.Serve(ln)

	<-ctx.Done() // wait for signal
	log.Printf("shutting down: %v", context.Cause(ctx))

	drainCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	return srv.Shutdown(drainCtx) // bounded drain
}

// RunUninterrupted runs work with SIGINT and SIGTERM held off, so that a
// Ctrl-C cannot cut it in half, and returns the signal that came meanwhile.
//
// It never calls signal.Stop. Once work is done the two signals are still
// caught, into a channel nobody reads: from then on the program no longer
// stops on Ctrl-C or SIGTERM.
func (Broken) RunUninterrupted(work func()) (deferred os.Signal) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	work()
	select {
	case s := <-c:
		return s
	default:
		return nil
	}
}
