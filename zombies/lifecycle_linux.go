package zombies

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// missingProgram is a name no PATH holds.
const missingProgram = "zombies-no-such-program"

// lifecycle walks one exec.Cmd through its life (000 §9) and reports what
// each step returned.
var lifecycle = childproc.Register("zombies/lifecycle", func([]string) int {
	sh := exec.Command("sh")
	childproc.Emitf("Command(sh): Path=%s Err=%v", sh.Path, sh.Err)
	missing := exec.Command(missingProgram)
	childproc.Emitf("Command(missing): Err=%v", missing.Err)

	cmd := childproc.Command(exitWith, "0")
	childproc.Emitf("before Start: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState != nil)
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	childproc.Emitf("after Start: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState != nil)
	childproc.Emitf("Start again: %v", cmd.Start())
	childproc.Emitf("Wait: %v", cmd.Wait())
	childproc.Emitf("after Wait: Process=%v ProcessState=%v", cmd.Process != nil, cmd.ProcessState)
	childproc.Emitf("Wait again: %v", cmd.Wait())
	childproc.Emitf("Run after Wait: %v", cmd.Run())
	return 0
})

func proveLifecycle(t childproc.T) {
	res := childproc.Run(t, lifecycle)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	// The child has the test's PATH, so LookPath answers the same here.
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	lookErr := exec.Command(missingProgram).Err
	require.Error(t, lookErr)
	assert.Equal(t, []string{
		fmt.Sprintf("Command(sh): Path=%s Err=<nil>", sh),
		fmt.Sprintf("Command(missing): Err=%v", lookErr),
		"before Start: Process=false ProcessState=false",
		"after Start: Process=true ProcessState=false",
		"Start again: exec: already started",
		"Wait: <nil>",
		"after Wait: Process=true ProcessState=exit status 0",
		"Wait again: exec: Wait was already called",
		"Run after Wait: exec: already started",
	}, res.Events)
	t.Logf("exec.Command resolved sh to %s and %q before any Start; a second Start, Wait or Run: %q, %q, %q",
		sh, lookErr, "exec: already started", "exec: Wait was already called", "exec: already started")
}

// stdio starts a grandchild whose stdout is a file or a buffer, and reports
// how many goroutines Start added and where the grandchild's stdout goes.
var stdio = childproc.Register("zombies/stdio", func(args []string) int {
	cmd := childproc.Command(sleeper)
	switch args[0] {
	case "file":
		f, err := os.CreateTemp("", "zombies-stdout-")
		if err != nil {
			return fail("temp file", err)
		}
		// Unlinked at once: the child is killed, and nothing is left on disk.
		os.Remove(f.Name())
		cmd.Stdout = f
		childproc.Emit("file " + f.Name())
	case "buffer":
		cmd.Stdout = new(bytes.Buffer)
	}
	before := runtime.NumGoroutine()
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	childproc.Emitf("goroutines added by Start: %d", runtime.NumGoroutine()-before)
	childproc.EmitPID("grandchild", cmd.Process.Pid)
	childproc.Ready()
	blockForever()
	return 0
})

func proveStdio(t childproc.T, kind string) {
	p := childproc.Start(t, stdio, childproc.Args(kind))
	gc := p.AwaitPID(t, "grandchild")
	p.WaitReady(t)
	added := p.Await(t, "goroutines added by Start: ")
	stdout, err := os.Readlink(filepath.Join("/proc", fmt.Sprint(gc), "fd", "1"))
	require.NoError(t, err)
	assert.True(t, childproc.Execed(gc), "the grandchild has called execve")
	switch kind {
	case "file":
		name := p.Await(t, "file ")[len("file "):]
		assert.Equal(t, "goroutines added by Start: 0", added)
		assert.Equal(t, name+" (deleted)", stdout, "the grandchild writes to the (unlinked) file itself")
	case "buffer":
		assert.Equal(t, "goroutines added by Start: 1", added)
		assert.Regexp(t, `^pipe:\[\d+\]$`, stdout, "the grandchild writes to a pipe a goroutine copies")
	}
	p.Kill(t)
	t.Logf("Stdout as a %s: %s; the grandchild's fd 1 is %s", kind, added, stdout)
}
