package childproc

import (
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/role"
	"procbugs/helpers/role/inflight"
)

// A HeldRequest is one HTTP request in flight to a child's inflight
// server: the child's handler holds it until Finish.
type HeldRequest struct {
	Addr    string // where the child listens
	release *os.File
	reply   chan Reply
}

// Reply is what the proof's client got.
type Reply struct {
	Status int
	Body   string
	Err    error
}

// StartHolding starts r with a gate on its stdin, sends one request to
// the address r reports, and returns once r's handler holds it.
func StartHolding(t T, r role.Role, opts ...Option) (*Proc, *HeldRequest) {
	t.Helper()
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p := Start(t, r, append([]Option{Stdin(gateR), Timeout(FinishBound)}, opts...)...)
	gateR.Close()
	h := &HeldRequest{
		Addr:    strings.TrimPrefix(p.Await(t, inflight.Listening), inflight.Listening),
		release: gateW,
		reply:   make(chan Reply, 1),
	}
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	// The client's timeout is a safety net for a proof that fails: a child
	// that ends, or that the harness stops, closes the connection first.
	client := &http.Client{Transport: tr, Timeout: 2 * FinishBound}
	go func() {
		resp, err := client.Get("http://" + h.Addr + "/")
		if err != nil {
			h.reply <- Reply{Err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		h.reply <- Reply{Status: resp.StatusCode, Body: string(b), Err: err}
	}()
	p.Await(t, inflight.Started)
	return p, h
}

// Finish lets the handler answer, and returns what the client got.
func (h *HeldRequest) Finish() Reply {
	h.release.WriteString("finish\n")
	return <-h.reply
}

// Reply waits for what the client got without letting the handler
// answer: for a request the child cut short.
func (h *HeldRequest) Reply() Reply { return <-h.reply }
