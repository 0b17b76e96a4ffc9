//go:build unix

package proofs

import (
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

// server is a running child of ShutdownNotAwaited with one request in
// flight: the proof's own, on loopback, which the child's handler holds
// until the proof releases it.
type server struct {
	p       *childproc.Proc
	addr    string
	release *os.File   // a line written here lets the handler finish
	reply   chan reply // what the proof's client got
}

type reply struct {
	status int
	body   string
	err    error
}

// startServer starts the server with the read end of the release pipe as
// its stdin, sends it one request and returns once the handler has it.
func startServer(t childproc.T, r role.Role) *server {
	t.Helper()
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p := childproc.Start(t, r, childproc.Stdin(gateR), childproc.Timeout(childproc.FinishBound))
	gateR.Close()
	addr := strings.TrimPrefix(p.Await(t, termination.Listening), termination.Listening)
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	// The client's timeout is a safety net for a proof that fails: a child
	// that ends, or that the harness stops, closes the connection first.
	client := &http.Client{Transport: tr, Timeout: 2 * childproc.FinishBound}
	s := &server{p: p, addr: addr, release: gateW, reply: make(chan reply, 1)}
	go func() {
		resp, err := client.Get("http://" + addr + "/")
		if err != nil {
			s.reply <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		s.reply <- reply{status: resp.StatusCode, body: string(b), err: err}
	}()
	p.Await(t, termination.RequestStarted)
	return s
}

// finish lets the request in flight finish and returns what the client got.
func (s *server) finish() reply {
	s.release.WriteString("finish\n")
	return <-s.reply
}
