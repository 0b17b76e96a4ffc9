// Package inflight is the child's side of a request held in flight: an
// HTTP server on loopback whose handler starts a request and finishes it
// only when the proof says so. A signal can then arrive while the request
// is certainly in flight, for as long as the proof needs, and no timer
// decides anything. The proof's side is childproc.StartHolding.
package inflight

import (
	"io"
	"net"
	"net/http"
	"os"

	"procbugs/helpers/role"
)

// The events the server sends, and its answer.
const (
	Listening = "listening on " // and the address
	Started   = "request started"
	Finished  = "request finished"
	Answer    = "done"
)

// Listen listens on a loopback port and tells the proof where.
func Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	role.Emit(Listening + ln.Addr().String())
	return ln, nil
}

// Handler holds each request until a byte arrives on the process's
// stdin, the proof's gate, then answers it.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		role.Emit(Started)
		os.Stdin.Read(make([]byte, 1))
		io.WriteString(w, Answer)
		role.Emit(Finished)
	})
}
