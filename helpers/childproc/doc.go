// Package childproc is the parent's side of the harness: it starts a role
// in a real child process and watches it.
//
// The child is not the test binary. It is a small program built from the
// lesson packages whose roles the test binary registers (see program.go):
// built without the race detector, and without cgo unless the role calls
// C, so that the process under study is what a reader's own program would
// be. The child's side, the roles and their events, is helpers/role; the
// evidence a proof reads from /proc is helpers/procfs.
//
// A proof starts a child with Start and synchronises with it through a
// control pipe, never by sleeping: the child calls role.Ready and
// role.Emit; the parent calls WaitReady, Await and AwaitPID, and Until for
// evidence that only /proc shows. Every child leads its own process group
// and is bounded in time, counted from the moment its role begins. A child
// that reaches its bound fails the proof: a timeout is never evidence.
// The proof ends each child it started, by waiting for it (Wait) or by
// stopping it once it has its evidence (Stop); the harness cleans up what
// is left when the test ends, and fails the test for a child the proof
// forgot or a process left behind.
//
// The model is Go's own helperCommand in $GOROOT/src/os/exec/exec_test.go
// and testenv.CommandContext in $GOROOT/src/internal/testenv/exec.go.
package childproc
