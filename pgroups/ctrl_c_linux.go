package pgroups

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// helper stands for gpg or ssh under an interactive tool: it prints
// "ready", then one line for every SIGINT or SIGTERM it receives, and runs
// on, so that the tool sees every signal the helper got.
var helper = childproc.Register("pgroups/helper", func([]string) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	fmt.Println("ready")
	for sig := range sigs {
		fmt.Println("got", childproc.SignalName(sig.(syscall.Signal)))
	}
	return 0
})

var ctrlCBroken, ctrlCFixed = pair("pgroups/ctrl-c", func(c code, _ []string) int {
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt)
	cmd := childproc.Command(helper)
	if err := startAndRelay(cmd, "helper", c.StartHelper); err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("helper", cmd.Process.Pid)
	childproc.Ready()
	<-interrupted
	childproc.Emit("tool got SIGINT")
	// The tool's orderly shutdown: it asks its helper to finish.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fail("stop helper", err)
	}
	blockForever() // the test ends the tool once it has seen what the helper got
	return 0
})

// CtrlC is the foreground-group behaviour of 000 §3 and 001 Q13.
var CtrlC = catalog.Entry{
	ID:    "pgroups/ctrl-c",
	Title: "Ctrl-C reaches the child as well as the program that started it",
	Symptom: "On Ctrl-C a tool that means to shut down in order finds its helper already interrupted, " +
		"mid-write; a supervisor run in a terminal loses its children with it.",
	Cause: "A child inherits its parent's process group, and the terminal sends SIGINT to every process " +
		"of its foreground group, not to one pid.",
	Fix: "Start the child with Setpgid: in a group of its own it gets no signal from the terminal, and " +
		"the parent forwards what it chooses.",
	Sources: []string{"000 §3", "001 Q13"},
	Refs:    []string{"termios(3), ISIG: INTR generates SIGINT for the foreground process group"},
	Func:    "StartHelper",
	Test:    "TestCtrlC",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "SIGINT to the foreground group reaches the helper too",
		Role:  ctrlCBroken,
		Prove: proveHelperInterrupted,
	},
	Fixed: catalog.Half{
		Says:  "the helper in its own group gets only the SIGTERM the tool sends",
		Role:  ctrlCFixed,
		Prove: proveHelperSpared,
	},
}

// pressCtrlC starts the tool and does what the terminal does on Ctrl-C:
// SIGINT to the foreground group, here the tool's own group, which the
// harness created (never the test's group).
func pressCtrlC(t childproc.T, role childproc.Role) (p *childproc.Proc, helper int) {
	p = childproc.Start(t, role, childproc.Timeout(5*time.Second))
	helper = p.AwaitPID(t, "helper")
	p.WaitReady(t)
	p.SignalGroup(t, syscall.SIGINT)
	p.Await(t, "tool got SIGINT")
	return p, helper
}

func proveHelperInterrupted(t childproc.T, role childproc.Role) {
	p, helper := pressCtrlC(t, role)
	assert.Equal(t, p.Pid, childproc.Group(helper), "the helper inherited the tool's group")
	p.Await(t, "helper got SIGINT")
	group := childproc.GroupMembers(p.Pid)
	p.Kill(t)
	t.Logf("SIGINT to group %d %v reached the tool %d and its helper %d: the helper reported %q",
		p.Pid, group, p.Pid, helper, "got SIGINT")
}

func proveHelperSpared(t childproc.T, role childproc.Role) {
	p, helper := pressCtrlC(t, role)
	assert.Equal(t, helper, childproc.Group(helper), "the helper leads a group of its own")
	p.Await(t, "helper got SIGTERM")
	helperSaw := slices.DeleteFunc(p.Events(), func(e string) bool { return !isHelperLine(e) })
	require.Equal(t, []string{"helper got SIGTERM"}, helperSaw, "the helper saw only what the tool sent")
	group := childproc.GroupMembers(p.Pid)
	p.Kill(t)
	childproc.ReapOrphan(t, helper) // it left the tool's group, so the group kill missed it
	t.Logf("SIGINT to group %d %v reached the tool alone; helper %d in group %d saw only %v",
		p.Pid, group, helper, helper, helperSaw)
}

func isHelperLine(e string) bool {
	return strings.HasPrefix(e, "helper got ")
}
