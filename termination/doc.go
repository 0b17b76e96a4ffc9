// Package termination proves every way a Go process ends: which deferred
// calls run, in which goroutine, whether buffered output reaches the file,
// whether finalizers run, and what exit status the parent sees.
//
// Each mechanism runs in a real child process (see helpers/childproc) and
// reports over the control pipe; the tests assert the facts and render them
// into the table of README.md, which a test keeps in step with what the
// children actually do.
//
// The demonstrations need Unix signals and wait statuses, so every other
// file of the package is built on Unix only.
package termination
