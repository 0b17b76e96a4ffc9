// Package termination is the lesson of how a Go process ends: which
// deferred calls run, in which goroutine, whether buffered output reaches
// the file, whether finalizers run, and what exit status the parent sees;
// and the bugs that follow from it.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, and roles.go
// holds the small programs that code starts. mechanisms.go runs each way
// of ending a process, one child per row of the table in README.md, and
// claims.go the source texts' other claims. The records and the proofs
// that watch the children are in proofs/; the tests are
// termination_test.go, table_test.go and claims_test.go.
//
// The lesson needs Unix signals and wait statuses, so every other file of
// the package is built on Unix only.
package termination
