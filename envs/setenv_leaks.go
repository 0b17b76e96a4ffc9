package envs

import (
	"bytes"
	"os/exec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// showMode is a shell probe: it prints MODE as probe's env:MODE does. Plain
// exec.Command, with a nil Env, copies the environment at Start, as most
// programs start their children. With "wait" first, it reads stdin to EOF
// before it looks.
func showMode(wait bool) *exec.Cmd {
	script := `if [ -n "${MODE+set}" ]; then echo "MODE=$MODE"; else echo "MODE unset"; fi`
	if wait {
		script = "cat >/dev/null; " + script
	}
	return exec.Command("sh", "-c", script)
}

// The child starts three probes: one before the setting, kept running; the
// one the setting is meant for; and one after. Each reports MODE. The child
// reports its own MODE last.
var setenvLeaksBroken, setenvLeaksFixed = pair("envs/setenv-leaks", func(c code) int {
	var runningOut, targetOut bytes.Buffer
	running := showMode(true)
	running.Stdout = &runningOut
	holdOpen, err := running.StdinPipe()
	if err != nil || running.Start() != nil {
		childproc.Emitf("error: start the running probe: %v", err)
		return 1
	}

	target := showMode(false)
	target.Stdout = &targetOut
	if err := c.StartWithSetting(target, "MODE", "debug"); err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	later, laterErr := showMode(false).Output()

	holdOpen.Close() // only now may the running probe look at its MODE
	runningErr, targetErr := running.Wait(), target.Wait()
	reportOutput("already running", runningOut.Bytes(), runningErr)
	reportOutput("the target", targetOut.Bytes(), targetErr)
	reportOutput("started later", later, laterErr)
	childproc.Emit("the starting process: " + probeLine("env:MODE"))
	return 0
})

// SetenvLeaks is os.Setenv used to configure one child.
var SetenvLeaks = catalog.Entry{
	ID:      "envs/setenv-leaks",
	Title:   "os.Setenv in the parent leaks into every child started afterwards",
	Symptom: "A setting meant for one child (MODE=debug) shows up in every child started after it, and in the starting process; children already running do not see it.",
	Cause: "os.Setenv changes the process's own environment. exec copies that environment into each new child at start; " +
		"a child already running has its copy and never sees a change.",
	Fix:     "Give that one child its environment: cmd.Env = append(cmd.Environ(), \"MODE=debug\").",
	Sources: []string{"001 Q6", "001 Q11"},
	Refs:    []string{"os/exec Cmd.Env doc: \"If Env is nil, the new process uses the current process's environment\""},
	Func:    "StartWithSetting",
	Test:    "TestSetenvLeaks",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the setting reaches the later child and the parent, not the one already running",
		Role:  setenvLeaksBroken,
		Prove: proveSetenvLeaks,
	},
	Fixed: catalog.Half{
		Says:  "only the target child sees the setting",
		Role:  setenvLeaksFixed,
		Prove: proveOnlyTargetSees,
	},
}

func runSetenvScenario(t childproc.T, role childproc.Role) []string {
	t.Helper()
	res := childproc.Run(t, role)
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveSetenvLeaks(t childproc.T, role childproc.Role) {
	seen := runSetenvScenario(t, role)
	assert.Equal(t, []string{
		"already running: MODE unset",
		"the target: MODE=debug",
		"started later: MODE=debug",
		"the starting process: MODE=debug",
	}, seen)
	t.Logf("MODE=debug was meant for one child; %q", seen)
}

func proveOnlyTargetSees(t childproc.T, role childproc.Role) {
	seen := runSetenvScenario(t, role)
	assert.Equal(t, []string{
		"already running: MODE unset",
		"the target: MODE=debug",
		"started later: MODE unset",
		"the starting process: MODE unset",
	}, seen)
	t.Logf("%q", seen)
}
