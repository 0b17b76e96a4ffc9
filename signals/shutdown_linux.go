package signals

import (
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// drainBound is how long Shutdown may wait for the request in flight. The
// proofs never let it pass: the request finishes as soon as the test
// releases it, so the bound only has to be comfortably longer than that.
const drainBound = 3 * time.Second

// serveSlowly is the server of both shutdown entries. Its one handler is
// slow on purpose: it announces that it has started, then finishes only
// when the test writes a line to the child's stdin. So the request is
// certainly in flight when the signal arrives, for as long as the proof
// needs, and no timer decides anything.
func serveSlowly(serve func(*http.Server, net.Listener, time.Duration) error) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		childproc.Emit("request started")
		os.Stdin.Read(make([]byte, 1))
		io.WriteString(w, "done")
	})}
	srv.RegisterOnShutdown(func() { childproc.Emit("draining") })
	childproc.Emitf("listening on %s", ln.Addr())
	err = serve(srv, ln, drainBound)
	childproc.Emitf("shutdown returned %v", err)
	return 0
}

var exitOnSignalBroken, exitOnSignalFixed = pair("signals/exit-on-signal", func(c code, _ []string) int {
	return serveSlowly(c.ServeUntilTerminated)
})

var deferredStopBroken, deferredStopFixed = pair("signals/deferred-stop", func(c code, _ []string) int {
	return serveSlowly(c.ServeWithNotifyContext)
})

// ExitOnSignal drops the request in flight.
var ExitOnSignal = catalog.Entry{
	ID:      "signals/exit-on-signal",
	Title:   "os.Exit in a signal handler drops the requests in flight",
	Symptom: "Every deploy or scale-down fails a few requests: clients see the connection close with no response.",
	Cause:   "os.Exit ends the process at once. The server never stops accepting, never waits for its handlers, and no deferred function runs.",
	Fix: "On the signal, call srv.Shutdown with a bounded context: it closes the listener, " +
		"waits for the requests in flight, and returns; main then returns normally.",
	Sources: []string{"001 Q3", "001 Q17"},
	Refs:    []string{"net/http Server.Shutdown doc"},
	Func:    "ServeUntilTerminated",
	Test:    "TestExitOnSignal",
	Broken: catalog.Half{
		Says:  "SIGTERM ends the process with the request in flight unanswered",
		Role:  exitOnSignalBroken,
		Prove: proveRequestDropped,
	},
	Fixed: catalog.Half{
		Says:  "SIGTERM drains the request in flight, which gets 200, and the process exits 0",
		Role:  exitOnSignalFixed,
		Prove: proveDrained(false),
	},
}

// DeferredStop is 001 Q3's own code.
var DeferredStop = catalog.Entry{
	ID:    "signals/deferred-stop",
	Title: "With NotifyContext and defer stop(), a second Ctrl-C during the drain is swallowed",
	Symptom: "A stuck shutdown cannot be cut short: the second Ctrl-C does nothing, " +
		"and the process waits out the whole drain bound.",
	Cause: "NotifyContext's channel stays registered until stop is called; cancelling the context does " +
		"not unregister it (signal.go: only (*signalCtx).stop calls Stop). A deferred stop runs after the drain, " +
		"so until then every SIGINT and SIGTERM is caught and dropped.",
	Fix:     "Call stop() as soon as <-ctx.Done() returns: the next SIGINT gets the default action and ends the process.",
	Sources: []string{"001 Q3", "001 Q8", "001 Q17"},
	Refs:    []string{"os/signal NotifyContext doc: \"The stop function unregisters the signal behavior\""},
	Func:    "ServeWithNotifyContext",
	Test:    "TestDeferredStop",
	Broken: catalog.Half{
		Says:  "a SIGINT during the drain is swallowed; the drain runs to the end and the process exits 0",
		Role:  deferredStopBroken,
		Prove: proveDrained(true),
	},
	Fixed: catalog.Half{
		Says:  "a SIGINT during the drain ends the process at once, killed by SIGINT (130)",
		Role:  deferredStopFixed,
		Prove: proveSecondSignalKills,
	},
}

// server is a running child of serveSlowly, with one request in flight.
type server struct {
	p       *childproc.Proc
	release *os.File     // a line written here finishes the request
	reply   chan reply   // what the client got
	client  *http.Client // the test's own client, on loopback
}

type reply struct {
	status int
	body   string
	err    error
}

func startServer(t childproc.T, role childproc.Role) *server {
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p := childproc.Start(t, role, childproc.Stdin(gateR))
	gateR.Close()
	addr := strings.TrimPrefix(p.Await(t, "listening on "), "listening on ")
	tr := &http.Transport{DisableKeepAlives: true}
	s := &server{p: p, release: gateW, reply: make(chan reply, 1),
		client: &http.Client{Transport: tr, Timeout: childproc.DefaultTimeout}}
	t.Cleanup(tr.CloseIdleConnections)
	go func() {
		resp, err := s.client.Get("http://" + addr + "/slow")
		if err != nil {
			s.reply <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		s.reply <- reply{status: resp.StatusCode, body: string(b), err: err}
	}()
	p.Await(t, "request started")
	return s
}

func proveRequestDropped(t childproc.T, role childproc.Role) {
	s := startServer(t, role)
	s.p.Signal(t, syscall.SIGTERM)
	res := s.p.Wait(t)
	r := <-s.reply
	require.Error(t, r.err, "the request got an answer: %d %q", r.status, r.body)
	assert.Equal(t, 0, res.ExitCode, "os.Exit(0) even so")
	assert.False(t, res.HasEvent("draining"), "the server never began to drain")
	t.Logf("SIGTERM with a request in flight: the process ended with %s and the client got %q", res.Status(), r.err)
}

// proveDrained sends SIGTERM with a request in flight and, if second is
// set, a SIGINT once the drain has begun, and shows that the process
// survives it, lets the request finish with 200, and exits 0.
func proveDrained(second bool) func(t childproc.T, role childproc.Role) {
	return func(t childproc.T, role childproc.Role) {
		s := startServer(t, role)
		s.p.Signal(t, syscall.SIGTERM)
		s.p.Await(t, "draining")
		if second {
			s.p.Signal(t, syscall.SIGINT)
			// The kernel has handed the SIGINT to a handler once it is no
			// longer pending: here, Go's, which caught it.
			childproc.Poll(t, childproc.DefaultTimeout, "the SIGINT is delivered", func() bool {
				return !pending(s.p.Pid, syscall.SIGINT)
			})
			select {
			case <-s.p.Done():
				res := s.p.Wait(t)
				t.Fatalf("the second signal ended the drain: %s", res.Status())
			default:
			}
			require.True(t, childproc.Alive(s.p.Pid), "the child survives the SIGINT")
		}
		s.release.WriteString("finish\n")
		r := <-s.reply
		require.NoError(t, r.err)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "done", r.body)
		res := s.p.Wait(t)
		require.Equal(t, 0, res.ExitCode, res.Status())
		assert.Equal(t, "shutdown returned <nil>", res.LastEvent(), "Shutdown finished within the drain bound")
		assert.Contains(t, res.Stderr, "shutting down: terminated signal received", "context.Cause names the signal")
		if second {
			t.Logf("SIGTERM, then SIGINT during the drain: the SIGINT was caught and dropped; the request got %d %q; exit %d after %v",
				r.status, r.body, res.ExitCode, res.Elapsed.Round(time.Millisecond))
			return
		}
		t.Logf("SIGTERM with a request in flight: it got %d %q, Shutdown returned nil within %v, exit %d after %v",
			r.status, r.body, drainBound, res.ExitCode, res.Elapsed.Round(time.Millisecond))
	}
}

func proveSecondSignalKills(t childproc.T, role childproc.Role) {
	s := startServer(t, role)
	s.p.Signal(t, syscall.SIGTERM)
	s.p.Await(t, "draining")
	s.p.Signal(t, syscall.SIGINT)
	res := s.p.Wait(t)
	r := <-s.reply
	require.Equal(t, syscall.SIGINT, res.Signal, res.Status())
	assert.Equal(t, 130, res.ShellCode)
	assert.Error(t, r.err, "the request was cut short")
	assert.Contains(t, res.Stderr, "shutting down: terminated signal received")
	t.Logf("SIGTERM, then SIGINT during the drain: %s; the request in flight got %q", res.Status(), r.err)
}
