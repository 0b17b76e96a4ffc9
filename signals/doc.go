// Package signals proves how Unix signals reach a Go program and its
// children: why a signal is dropped, swallowed or inherited as ignored,
// how a server drains on SIGTERM, and how a supervisor forwards signals.
//
// Every entry runs its broken and its fixed code in real child processes;
// see README.md. The proofs read /proc, so they live in _linux files.
package signals
