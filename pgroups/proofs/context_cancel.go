//go:build linux

package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/pgroups"
)

// ContextCancel is the same bug behind exec.CommandContext. Its tree and
// its proofs are kill-leader's; cancel() replaces stop().
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
	Quiz: catalog.Quiz{
		Scenario: "the child runs a leader that forks 2 workers under a context, then cancels the context",
		AskFixed: true,
		Wrong:    "the group's SIGKILL ends the workers, and the child that ran the code with them",
	},
	Roles: pgroups.ContextCancel,
	Broken: catalog.Half{
		Says:  "the default Cancel kills the leader and its workers run on",
		Prove: proveWorkersOutliveLeader,
	},
	Fixed: catalog.Half{
		Says:  "a Cancel that kills the group ends every worker",
		Prove: proveWorkersDieWithLeader,
	},
	Diagram: `sequenceDiagram
    participant C as child
    participant L as leader
    participant W as workers x2
    C->>L: CommandContext, Start (fixed: Setpgid)
    L->>W: Start (inherit the group)
    C->>C: cancel()
    C->>L: broken: default Cancel, Process.Kill
    Note over W: re-parented, running
    C->>W: fixed: Cancel = kill(-L, SIGKILL)
    Note over W: zombies, killed by SIGKILL`,
}
