// Package zombies proves what happens to processes nobody waits for: the
// zombie a forgotten Wait leaves, the orphans a subreaper adopts, the exit
// statuses a naive Wait4(-1) reaper steals from exec.Cmd, the duties of PID 1
// in a container (compared with tini and dumb-init), and a supervisor's
// restart back-off.
//
// Reaping, subreapers and PID namespaces are Linux features: the code and
// its proofs live in files built for Linux only.
package zombies
