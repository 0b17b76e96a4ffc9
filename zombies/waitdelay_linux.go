package zombies

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// waitDelay is the shortest delay that shows the point.
const waitDelay = 50 * time.Millisecond

// spawner starts a holder that inherits its stdout and exits at once: the
// holder, an orphan now, keeps open the pipe its grandparent reads.
var spawner = childproc.Register("zombies/spawner", func([]string) int {
	cmd := childproc.Command(holder)
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		return 1
	}
	return 0
})

// holder holds its descriptors and writes nothing: a write to a pipe whose
// reader has gone would kill it with SIGPIPE.
var holder = childproc.Register("zombies/holder", func([]string) int {
	blockForever()
	return 0
})

// ignorer ignores SIGTERM, says so on stdout, and waits to be killed.
var ignorer = childproc.Register("zombies/ignorer", func([]string) int {
	signal.Ignore(syscall.SIGTERM)
	os.Stdout.WriteString("ready\n")
	blockForever()
	return 0
})

// waitDelayScenario runs one of the WaitDelay cases of 000 §15 and 001 Q14.
// The first argument names it, the second (if any) sets WaitDelay:
//
//	pipe-held     no context; the child exits, its orphan holds stdout
//	term-ignored  a context whose Cancel sends SIGTERM, which the child ignores
//	kill          a context with the default Cancel, Process.Kill
var waitDelayScenario = childproc.Register("zombies/waitdelay", func(args []string) int {
	var delay time.Duration
	if len(args) > 1 {
		delay, _ = time.ParseDuration(args[1])
	}
	if args[0] == "pipe-held" {
		announce(holder) // the spawner starts it, out of the control pipe's reach
		cmd := childproc.Command(spawner)
		cmd.Stdout = new(bytes.Buffer)
		cmd.WaitDelay = delay
		childproc.Ready()
		err := cmd.Run()
		childproc.Emitf("Run: %v; ErrWaitDelay=%v", err, errors.Is(err, exec.ErrWaitDelay))
		blockForever() // the orphan still runs; the test ends both
		return 0
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	plain := childproc.Command(ignorer)
	cmd := exec.CommandContext(ctx, plain.Path, plain.Args[1:]...)
	cmd.Env = plain.Env
	if args[0] == "term-ignored" {
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	}
	cmd.WaitDelay = delay
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fail("stdout pipe", err)
	}
	if err := cmd.Start(); err != nil {
		return fail("start", err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		return fail("ignorer", err)
	}
	childproc.EmitPID("ignorer", cmd.Process.Pid)
	cancel()
	childproc.Ready()
	err = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	childproc.Emitf("Wait: %v; killed by %s", err, childproc.SignalName(ws.Signal()))
	return 0
})

// proveWaitStuck shows Wait blocked for good: the child is still inside
// os/exec.(*Cmd).Wait, for the reason the scenario gives.
func proveWaitStuck(t childproc.T, args ...string) {
	p := childproc.Start(t, waitDelayScenario, childproc.Args(args...))
	p.WaitReady(t)
	var why string
	switch args[0] {
	case "pipe-held":
		// The holder was re-parented to this test process (a subreaper), so
		// the spawner has exited; and it is no longer a child of the role
		// (not even a zombie), so Wait has reaped it. The holder runs on with
		// the pipe.
		childproc.Poll(t, 5*time.Second, "the spawner is reaped while its orphan runs", func() bool {
			return orphanOf(p) != 0 && len(childproc.Children(p.Pid)) == 0
		})
		why = "its child exited and was reaped, but an orphan holds the stdout pipe"
	case "term-ignored":
		ignorer := p.AwaitPID(t, "ignorer")
		childproc.Poll(t, 5*time.Second, "Wait blocks in waitid", func() bool {
			return waitsForChild(p.Pid)
		})
		require.True(t, childproc.Alive(ignorer), "the child ignored SIGTERM and runs on")
		why = "the context is done, but the child ignores the SIGTERM Cancel sent"
	}
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "os/exec.(*Cmd).Wait", "still inside Wait")
	assert.NotContains(t, res.Events, "Run: ", "Run had not returned")
	t.Logf("Wait had not returned: %s; stopped after %v", why, res.Elapsed.Round(time.Millisecond))
}

// proveWaitReturns shows Wait (or Run) returning, and how.
func proveWaitReturns(t childproc.T, want string, args ...string) {
	p := childproc.Start(t, waitDelayScenario, childproc.Args(args...))
	got := p.Await(t, want[:5])
	assert.Equal(t, want, got)
	if args[0] == "pipe-held" {
		// The orphan outlived the Run that gave up on it.
		require.NotZero(t, orphanOf(p), "the orphan still holds the pipe")
		p.KillGroup(t)
	}
	p.Kill(t)
	t.Logf("%v: %s", args, got)
}

func proveWaitDelayIsGo120(t childproc.T) {
	api, err := os.ReadFile(goroot(t) + "/api/go1.20.txt")
	require.NoError(t, err)
	const line = "pkg os/exec, type Cmd struct, WaitDelay time.Duration"
	assert.Contains(t, string(api), line)
	t.Logf("api/go1.20.txt: %s", line)
}

// goroot is the Go tree the test was built with.
func goroot(t childproc.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	return string(bytes.TrimSpace(out))
}

// orphanOf returns a process of p's group that has exec'd and was
// re-parented to this test process, or 0.
func orphanOf(p *childproc.Proc) int {
	for _, pid := range p.Leftovers() {
		if childproc.Parent(pid) == os.Getpid() && childproc.Execed(pid) {
			return pid
		}
	}
	return 0
}
