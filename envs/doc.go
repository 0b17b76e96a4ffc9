// Package envs proves the bugs of a process's environment, its arguments
// and the lookup of executables: what a child inherits, what it sees when a
// key appears twice, where secrets leak, why os.Args[0] is not a path, why
// Go refuses a binary found through "." in PATH, and why the environment
// belongs in a config struct read once at start-up.
//
// Each entry is a broken/fixed pair (broken.go, fixed.go) proven in real
// child processes by envs_test.go. The code runs on every OS; the proofs
// need a Unix system, as childproc does, and skip elsewhere.
package envs
