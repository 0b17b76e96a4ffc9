// Package zombies is the lesson of processes nobody waits for, or too many
// wait for: the zombie a forgotten Wait leaves, two Waits on one Cmd (and a
// Cancel that waits), the pidfd an os.Process holds, the orphans a
// subreaper adopts, reapers that miss merged or early SIGCHLDs, the exit
// statuses a Wait4(-1) reaper steals from exec.Cmd, the duties of PID 1 in
// a container (set beside tini and dumb-init), and a supervisor's restart
// loop and back-off.
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
