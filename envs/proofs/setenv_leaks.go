package proofs

import (
	"os/exec"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// SetenvLeaks is os.Setenv used to configure one child.
var SetenvLeaks = catalog.Entry{
	ID:    "envs/setenv-leaks",
	Title: "os.Setenv in the parent leaks into every child started afterwards",
	Symptom: "A setting meant for one child (MODE=debug) shows up in every child started after it, and in the starting process; " +
		"children already running do not see it.",
	Cause: "os.Setenv changes the process's own environment. exec copies that environment into each new child at start; " +
		"a child already running has its copy and never sees a change.",
	Fix:     "Give that one child its environment: cmd.Env = append(cmd.Environ(), \"MODE=debug\").",
	Sources: []string{"001 Q6", "001 Q11"},
	Refs:    []string{"os/exec Cmd.Env doc: \"If Env is nil, the new process uses the current process's environment\""},
	Func:    "StartWithSetting",
	Test:    "TestSetenvLeaks",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "with a shell already running, the child sets MODE=debug for one shell it starts, then starts one more",
		AskFixed: true,
		Wrong:    "only the target child sees the setting, and the parent's own MODE is debug too",
	},
	Roles: envs.SetenvLeaks,
	Broken: catalog.Half{
		Says:  "the setting reaches the later child and the parent, not the one already running",
		Prove: proveSetenvLeaks,
	},
	Fixed: catalog.Half{
		Says:  "only the target child sees the setting",
		Prove: proveOnlyTargetSees,
	},
	Diagram: `sequenceDiagram
    participant P as child (starts others)
    participant A as shell A (running)
    participant B as target
    participant L as shell started later
    P->>A: start (environment copied now)
    P->>P: os.Setenv("MODE","debug") (broken)
    P->>B: start: MODE=debug
    P->>L: start: MODE=debug (leak)
    P->>A: close stdin
    A-->>P: MODE unset (its copy predates Setenv)`,
}

// runSetenvScenario runs the scenario and returns what each process saw.
func runSetenvScenario(t childproc.T, r role.Role) []string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh for the shells that report MODE", r)
	}
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveSetenvLeaks(t childproc.T, r role.Role) {
	seen := runSetenvScenario(t, r)
	require.Equal(t, []string{
		"already running: MODE unset",
		"the target: MODE=debug",
		"started later: MODE=debug",
		"the starting process: MODE=debug",
	}, seen)
	t.Logf("MODE=debug was meant for one child; it reached the child started later and the process itself, "+
		"but not the one already running: %q", seen)
}

func proveOnlyTargetSees(t childproc.T, r role.Role) {
	seen := runSetenvScenario(t, r)
	require.Equal(t, []string{
		"already running: MODE unset",
		"the target: MODE=debug",
		"started later: MODE unset",
		"the starting process: MODE unset",
	}, seen)
	t.Logf("only the target saw MODE=debug: %q", seen)
}
