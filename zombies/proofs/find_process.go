//go:build linux

package proofs

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/zombies"
)

// FindProcessHoldsPidfd is a liveness check that drops its Process.
var FindProcessHoldsPidfd = catalog.Entry{
	ID:    "zombies/find-process-holds-pidfd",
	Title: "Polling a pid with os.FindProcess holds a pidfd per call",
	Symptom: "A supervisor's descriptor count climbs by one with every liveness check and falls back only when the garbage collector runs; " +
		"a program that allocates little reaches EMFILE (\"too many open files\").",
	Cause: "Since Go 1.23, FindProcess on Linux 5.4 and later opens a pidfd for the process, and the *os.Process holds it " +
		"until Release or Wait, or until a cleanup after a garbage collection finds the Process dropped. " +
		"A check that drops its Process leaves its descriptor behind.",
	Fix: "Release the Process once the check is done (defer p.Release()). Better: keep the one *os.Process of the process you started " +
		"and ask it each time, or from Go 1.26 watch its pidfd (Process.WithHandle) for the exit instead of polling.",
	Refs: []string{
		"hashicorp/go-plugin#378",
		"hashicorp/nomad#27847",
		"shirou/gopsutil#1709",
		"containerd/containerd#10345",
		"golang/go#62654",
	},
	Func: "Alive",
	Test: "TestFindProcessHoldsPidfd",
	Quiz: catalog.Quiz{
		Scenario: "a poller checks 10 times whether a process is alive, with the garbage collector off",
	},
	Roles: zombies.PollAlive,
	Changes: []catalog.Change{{
		Since:  "go1.23",
		Before: "os.FindProcess on Unix only records the pid: it opens nothing, and a dropped Process costs no descriptor",
		After: "on Linux 5.4 and later FindProcess opens a pidfd (pidfd_open), which the Process holds until Release, Wait " +
			"or a cleanup after a garbage collection: each liveness check that drops its Process leaves a descriptor open until then",
		Source: "os/exec_unix.go, findProcess, which calls pidfdFind in os/pidfd_linux.go; go.dev/issue/62654",
		Test:   "zombies.TestFindProcessHoldsPidfd",
	}},
	Broken: catalog.Half{
		Says:  "with the collector off, each check leaves one more pidfd open in the poller",
		Prove: provePidfdPerCheck,
	},
	Fixed: catalog.Half{
		Says:  "after the same checks the poller holds as many pidfds as before",
		Prove: provePidfdsReleased,
	},
	Diagram: `sequenceDiagram
    participant S as poller (Alive)
    participant K as kernel
    participant H as holder
    loop every check
        S->>K: FindProcess: pidfd_open
        K-->>S: a new pidfd
        S->>H: pidfd_send_signal, signal 0
        Note over S,K: broken: the pidfd stays open
        S->>K: fixed: Release closes it
    end`,
}

// checked runs a PollAlive role r with the garbage collector off, and
// counts its pidfds before and after its checks. A GC's cleanup would
// close the pidfds of the Processes dropped so far; with GOGC=off none
// runs, as in a program that allocates too little to trigger one.
func checked(t childproc.T, r role.Role) (before, after int) {
	t.Helper()
	g := newStdinGate(t)
	p := childproc.Start(t, r, g.option(), childproc.Env("GOGC=off"))
	p.AwaitPID(t, "holder")
	before = pidfds(p.Pid) // it waits at the gate, its checks not yet made
	if before == 0 {
		p.Kill(t)
		childproc.SkipWith(t, "no pidfds on this kernel (Linux before 5.4): FindProcess has none to hold", zombies.PollAlive.Broken, zombies.PollAlive.Fixed)
	}
	g.open()
	p.WaitReady(t)
	after = pidfds(p.Pid)
	answer := p.Await(t, "alive ")
	p.Kill(t)
	require.Equal(t, fmt.Sprintf("alive %d times out of %d", zombies.Polls, zombies.Polls), answer, "every check saw the holder")
	return before, after
}

func provePidfdPerCheck(t childproc.T, r role.Role) {
	before, after := checked(t, r)
	leaked := 0
	if catalog.Since("go1.23") {
		leaked = zombies.Polls // one pidfd per FindProcess
	}
	require.Equal(t, before+leaked, after, "pidfds after %d checks", zombies.Polls)
	t.Logf("on %s, with GOGC=off: %d pidfd(s) before %d checks, %d after", catalog.Release(), before, zombies.Polls, after)
}

func provePidfdsReleased(t childproc.T, r role.Role) {
	before, after := checked(t, r)
	require.Equal(t, before, after, "pidfds after %d checks", zombies.Polls)
	t.Logf("on %s, with GOGC=off: %d pidfd(s) before %d checks and after them: each was released", catalog.Release(), before, zombies.Polls)
}
