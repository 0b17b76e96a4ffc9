package pgroups

import (
	"context"
	"os/exec"
	"strconv"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var contextCancelBroken, contextCancelFixed = pair("pgroups/context-cancel", func(c code, _ []string) int {
	template := childproc.Command(leader, strconv.Itoa(workersPerLeader))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := c.CommandContext(ctx, template.Path, template.Args[1:]...)
	cmd.Env = template.Env
	if err := startAndRelay(cmd, "leader", (*exec.Cmd).Start); err != nil {
		cancel()
		return fail("start", err)
	}
	childproc.EmitPID("leader", cmd.Process.Pid)
	cancel() // the deadline passed, the request was abandoned
	childproc.Emitf("leader ended: %v", cmd.Wait())
	return 0
})

// ContextCancel is the same bug behind exec.CommandContext.
var ContextCancel = catalog.Entry{
	ID:    "pgroups/context-cancel",
	Title: "Cancelling CommandContext kills the child, not the workers it forked",
	Symptom: "A timed-out command is reported killed, yet its workers keep running (a shell's pipeline, " +
		"a build's compilers).",
	Cause: "When the context is done, os/exec calls Cmd.Cancel, which by default is Process.Kill: " +
		"one pid (os/exec/exec.go, CommandContext).",
	Fix: "Start the child with Setpgid and set Cmd.Cancel to kill its group: " +
		"syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL).",
	Sources: []string{"000 §3", "000 §15", "001 Q18"},
	Refs:    []string{"os/exec: Cmd.Cancel (Go 1.20), \"the default behavior is to call the Kill method\""},
	Func:    "CommandContext",
	Test:    "TestContextCancel",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the default Cancel kills the leader and its workers run on",
		Role:  contextCancelBroken,
		Prove: proveWorkersOutliveLeader,
	},
	Fixed: catalog.Half{
		Says:  "a Cancel that kills the group ends every worker",
		Role:  contextCancelFixed,
		Prove: proveWorkersDieWithLeader,
	},
}
