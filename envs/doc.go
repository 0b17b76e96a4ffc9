// Package envs is the lesson of a process's environment, its arguments and
// the lookup of executables: what a child inherits, what it sees when a key
// appears twice, why its $PWD can lie, where secrets leak, why os.Args[0]
// is not a path, which program a name finds (not through ".", not through
// the PATH in Cmd.Env), why a script that exists is "not found", why
// exec.Command is not a shell, how a value becomes an option, how long one
// argument may be, and why the environment belongs in a Config read once
// at start-up.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, roles.go holds
// the small programs that code starts, claims.go the programs that check
// the source texts' other claims, and checks.go those that check what an
// entry's Cause and Fix say beyond its two halves. The records and the
// proofs that watch the children are in proofs/; the tests are envs_test.go
// and claims_test.go. The code runs on every OS; the proofs need Linux, as
// the harness does.
package envs
