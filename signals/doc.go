// Package signals is the lesson of how Unix signals reach a Go program and
// its children: why a signal is dropped, swallowed, asked for too late or
// under the wrong name, or inherited as ignored; how a server drains on
// SIGTERM and says which signal stopped it; how a supervisor, a shell
// wrapper and PID 1 pass a signal on or fail to; why a stopped child keeps
// its SIGTERM pending; and how the runtime's own SIGURG interrupts a raw
// system call.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, and roles.go
// holds the programs that code starts, chiefly the listener that signals
// are sent or forwarded to. claims.go runs the source texts' other claims.
// The records and the proofs that watch the children are in proofs/; the
// tests are signals_test.go and claims_test.go. The topic needs a Unix
// system, and Linux for its proofs, which read /proc.
package signals
