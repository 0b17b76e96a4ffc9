// Package childproc runs a demonstration in a real child process and
// watches it from the parent.
//
// The child is the running binary itself, re-executed with PROCBUGS_ROLE
// naming a role that some package registered with Register. Main (for test
// binaries) or Dispatch (for commands) runs that role before anything else
// and exits with its code.
//
// The parent starts a child with Start and synchronises with it through a
// control pipe, never by sleeping: the child calls Ready and Emit, the
// parent calls WaitReady, Await and AwaitPID. Every child leads its own
// process group, is bounded in time (SIGQUIT for the stacks, then SIGKILL
// to the group), and is cleaned up with everything it left behind when the
// test ends. On Linux the package also reads evidence from /proc: a
// thread's wait channel, a process state, the bytes queued in a pipe, the
// members of a group and the children of a process.
//
// The model is Go's own helperCommand in $GOROOT/src/os/exec/exec_test.go
// and testenv.CommandContext in $GOROOT/src/internal/testenv/exec.go.
package childproc
