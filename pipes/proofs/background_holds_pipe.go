//go:build unix

package proofs

import (
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// BackgroundHoldsPipe is the grandchild that keeps Wait waiting.
var BackgroundHoldsPipe = catalog.Entry{
	ID:      "pipes/background-holds-pipe",
	Title:   "A grandchild that inherits the pipe keeps Wait hanging after the child exits",
	Symptom: "The script has exited, yet cmd.Output() never returns.",
	Cause: "The script's background process inherited the stdout pipe. Wait waits for the process and " +
		"then for the goroutine copying the pipe, which ends only at EOF: when the grandchild exits.",
	Fix: "Set cmd.WaitDelay (Go 1.20): after the child exits, Wait gives the pipes that long, closes them and " +
		"returns exec.ErrWaitDelay with the output so far. It does not kill the grandchild.",
	Sources: []string{"000 §9", "000 §15", "001 Q14"},
	Refs:    []string{"golang/go#50436 (Cmd.WaitDelay)", "golang/go#23019"},
	Func:    "RunScript",
	Test:    "TestBackgroundHoldsPipe",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs sh -c 'sleep 3600 & echo started' and collects its output; the sleep inherits the pipe",
		AskFixed: true,
		Wrong:    "WaitDelay kills the background job and returns the output with no error",
	},
	Roles: pipes.BackgroundHoldsPipe,
	Broken: catalog.Half{
		Says:  "the script has exited but Wait still waits for the pipe, with no bound",
		Prove: proveWaitOutlivesScript,
	},
	Fixed: catalog.Half{
		Says:  "WaitDelay returns the output with ErrWaitDelay and leaves the grandchild running",
		Prove: proveWaitDelayReturns,
	},
	Diagram: `sequenceDiagram
    participant P as parent
    participant S as sh (child)
    participant G as sleep (grandchild)
    P->>S: Output()
    S->>G: fork: inherits stdout
    S->>P: "started", exit: reaped
    P->>P: awaitGoroutines: waits for EOF
    Note over G: holds the pipe for an hour
    P-->>P: fixed: WaitDelay passes, pipes closed, ErrWaitDelay`,
}

// For its 100 ms the fixed code waits in the same place, so where the
// threads sleep cannot tell the two apart; what they wait for can (the
// fixed proof's stuck state reads it). The goroutine dump shows it whole,
// at one instant of the whole program. The broken Wait is a plain channel receive with
// the copying goroutine parked on the pipe; the fixed one is a select with
// a timer, and once the timer has fired it closes the pipe, which wakes
// the copier, before it ever receives.
func proveWaitOutlivesScript(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	var job int
	var holds string
	p.Until(t, "the script is reaped and its background job holds the pipe", func() bool {
		job = background(p)
		holds = procfs.Descriptors(job)[1]
		return job != 0 && len(procfs.Children(p.Pid)) == 0 && strings.HasPrefix(holds, "pipe:") && procfs.Idle(p.Pid)
	})
	res := p.Stop(t)
	waits := res.Blocked("chan receive", "os/exec.(*Cmd).awaitGoroutines")
	copies := res.Blocked("IO wait", "io.Copy")
	assert.Len(t, waits, 1, "Wait receives from the copier, with no timer to end it")
	assert.NotEmpty(t, copies, "the copiers are parked on the pipes the job holds")
	if !t.Failed() {
		t.Logf("the script had exited and been reaped; its background job %d still held stdout %s; "+
			"Wait sat in a plain receive while %d copying goroutine(s) waited on its pipes",
			job, holds, len(copies))
	}
}

func proveWaitDelayReturns(t childproc.T, r role.Role) {
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound),
		neverWaitsForTheJob("the script has exited, and Wait waits for the pipe its background job holds, with no timer"))
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, []string{`output "started\n"`, "error is exec.ErrWaitDelay"}, res.Events)
	left := p.Leftovers()
	require.Len(t, left, 1, "the background job outlived the script and the child")
	assert.Contains(t, procfs.Descriptors(left[0])[1], "pipe:", "it still holds the pipe")
	job := procfs.Comm(left[0])
	p.KillGroup(t)
	if !t.Failed() {
		t.Logf("Wait returned after %v with %s and the output; background job %d (%s) was still running (WaitDelay kills nothing without a Context)",
			res.Elapsed.Round(time.Millisecond), res.Events[1], left[0], job)
	}
}

// neverWaitsForTheJob is the broken Wait as a state that no program
// which will finish is seen in. Where Wait sleeps cannot tell the two
// halves apart, as the broken proof says; what it waits for can. At two
// looks in a row, with the same job:
//   - the script has been reaped, and its background job holds a pipe the
//     parent holds too;
//   - the parent waits for nothing of its own
//     (procfs.WaitsForOthers): no timer.
//
// The fixed Wait selects on WaitDelay's timer from the moment the script
// is reaped until it fires, and a goroutine blocked on a timer keeps a
// thread in the poller with a timeout (procfs.PollsForTimer). Once it
// fires, os/exec closes the pipes, which wakes the copiers. A parent that
// waits for the job's pipe alone waits as long as the job lives: an hour.
func neverWaitsForTheJob(what string) childproc.Option {
	return childproc.StuckWhenSeenTwice(what, func(p *childproc.Proc) string {
		job := background(p)
		if job == 0 || len(procfs.Children(p.Pid)) != 0 {
			return ""
		}
		pipe := procfs.Descriptors(job)[1]
		if !strings.HasPrefix(pipe, "pipe:") || !holds(p.Pid, pipe) || !procfs.WaitsForOthers(p.Pid) {
			return ""
		}
		return strconv.Itoa(job)
	})
}

// background is the live process of p's group that is neither the child
// nor one of its direct children: the script's background job (a forked
// "sh" until it has exec'd sleep).
func background(p *childproc.Proc) int {
	kids := procfs.Children(p.Pid)
	for _, pid := range p.Leftovers() {
		isKid := false
		for _, k := range kids {
			isKid = isKid || k == pid
		}
		if !isKid {
			return pid
		}
	}
	return 0
}
