//go:build unix

package termination

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// victim is the grandchild whose end the child describes: "exit:N" exits
// with status N, "block" waits for the signal its parent sends.
var victim = childproc.Register("termination/victim", func(args []string) int {
	if how, ok := strings.CutPrefix(args[0], "exit:"); ok {
		n, _ := strconv.Atoi(how)
		return n
	}
	blockForever()
	return 0
})

// victimExit is the status the exiting victim chooses.
const victimExit = 3

// victimSignals are the signals the child kills a victim with.
var victimSignals = []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM}

var exitStatusBroken, exitStatusFixed = pair("termination/exit-status", func(c code, _ []string) int {
	err := childproc.Command(victim, fmt.Sprintf("exit:%d", victimExit)).Run()
	childproc.Emitf("exit %d: %s", victimExit, c.Describe(err))
	for _, sig := range victimSignals {
		cmd := childproc.Command(victim, "block")
		if err := cmd.Start(); err != nil {
			return report(err)
		}
		cmd.Process.Signal(sig) // the child signals its own child only
		childproc.Emitf("%s: %s", childproc.SignalName(sig), c.Describe(cmd.Wait()))
	}
	// What a shell says of the same death, for comparison.
	sh := exec.Command("/bin/sh", "-c", `"$0" block & kill -KILL $!; wait $!; echo $?`, executable())
	sh.Env = childproc.Command(victim).Env
	out, err := sh.Output()
	if err != nil {
		return report(err)
	}
	childproc.Emitf("sh after kill -KILL: $? = %s", strings.TrimSpace(string(out)))
	return 0
})

// ExitStatus is 000 §18: reading how a child ended.
var ExitStatus = catalog.Entry{
	ID:    "termination/exit-status",
	Title: "ExitCode() is -1 for a child killed by a signal",
	Symptom: "Logs and alerts say \"exit status -1\" for a worker the OOM killer or an operator killed; " +
		"a wrapper script passes -1 on, which a shell turns into 255.",
	Cause: "os.ProcessState.ExitCode returns -1 unless the child exited by itself " +
		"($GOROOT/src/os/exec_posix.go, ExitCode). How it ended is in the wait status: Signaled, Signal, CoreDump.",
	Fix: "Decode syscall.WaitStatus: for a signalled child report the signal, and where a shell's status is " +
		"wanted use 128 + the signal's number (137 for SIGKILL, 143 for SIGTERM).",
	Sources: []string{"000 §18"},
	Func:    "Describe",
	Test:    "TestExitStatus",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "a child killed by a signal is reported as exit status -1",
		Role:  exitStatusBroken,
		Prove: proveMinusOne,
	},
	Fixed: catalog.Half{
		Says:  "the signal is named, with the status a shell would show",
		Role:  exitStatusFixed,
		Prove: proveSignalNamed,
	},
}

func describeVictims(t childproc.T, role childproc.Role) []string {
	res := childproc.Run(t, role)
	require.Equal(t, 0, res.ExitCode, "stderr: %s; events %q", res.Stderr, res.Events)
	require.Len(t, res.Events, 2+len(victimSignals))
	// The shell agrees with 128 + 9 (000 §18 prints "SIGKILL = 9137").
	assert.Equal(t, fmt.Sprintf("sh after kill -KILL: $? = %d", 128+int(syscall.SIGKILL)), res.LastEvent())
	return res.Events
}

func proveMinusOne(t childproc.T, role childproc.Role) {
	events := describeVictims(t, role)
	assert.Equal(t, fmt.Sprintf("exit %d: exit status %d", victimExit, victimExit), events[0])
	for i, sig := range victimSignals {
		assert.Equal(t, childproc.SignalName(sig)+": exit status -1", events[1+i])
	}
	t.Logf("%q, %q and %q, while the shell says %s", events[0], events[1], events[2], strings.TrimPrefix(events[3], "sh after kill -KILL: "))
}

func proveSignalNamed(t childproc.T, role childproc.Role) {
	events := describeVictims(t, role)
	assert.Equal(t, fmt.Sprintf("exit %d: exit status %d", victimExit, victimExit), events[0])
	for i, sig := range victimSignals {
		assert.Equal(t, fmt.Sprintf("%s: killed by signal %d (%v); a shell shows %d",
			childproc.SignalName(sig), int(sig), sig, 128+int(sig)), events[1+i])
	}
	t.Logf("%q, %q and %q; the shell agrees: %s", events[0], events[1], events[2], strings.TrimPrefix(events[3], "sh after kill -KILL: "))
}
