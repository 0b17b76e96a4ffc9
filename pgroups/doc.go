// Package pgroups is the lesson of process groups, sessions, SysProcAttr
// and parent-death signals: who a signal reaches, who outlives whom, and
// what a child may do once it runs as another user.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, roles.go holds
// the programs that code starts, and claims.go the programs that check the
// source texts' other claims. The records and the proofs that watch the
// children are in proofs/; the tests are pgroups_test.go and
// claims_test.go. The behaviours are Linux's, so all of that builds on
// Linux only; the portable SysProcAttr of the texts (sysProcAttr, in
// proc_unix.go and proc_windows.go) builds everywhere.
package pgroups
