// Package signals is the lesson of how Unix signals reach a Go program and
// its children: why a signal is dropped, swallowed or inherited as
// ignored, how a server drains on SIGTERM, and how a supervisor, a shell
// wrapper and PID 1 pass a signal on or fail to.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, and roles.go
// holds the programs that code starts, chiefly the listener that signals
// are sent or forwarded to. claims.go runs the source texts' other claims.
// The records and the proofs that watch the children are in proofs/; the
// tests are signals_test.go and claims_test.go. The topic needs a Unix
// system, and Linux for its proofs, which read /proc.
package signals
