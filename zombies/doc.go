// Package zombies is the lesson of processes nobody waits for: the zombie
// a forgotten Wait leaves, the orphans a subreaper adopts, the exit
// statuses a Wait4(-1) reaper steals from exec.Cmd, the duties of PID 1 in
// a container (set beside tini and dumb-init), and a supervisor's restart
// back-off.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, and roles.go
// holds the programs that code starts; claims.go runs the source texts'
// other claims. The records and the proofs that watch the children are in
// proofs/; the tests are zombies_test.go and claims_test.go.
//
// Reaping, subreapers and PID namespaces are Linux features: everything
// but this comment is built for Linux only.
package zombies
