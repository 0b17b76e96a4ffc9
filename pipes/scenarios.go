//go:build unix

package pipes

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. Sizes are part of the
// scenario, so the proofs derive their expectations from them.

// OneMiB is far more than a pipe holds, so the writer must block.
const OneMiB = 1 << 20

// SmallOutput fits in the pipe, so the writer never blocks.
const SmallOutput = 100

// EachStream is what the writer sends to stderr first, then to stdout:
// more than one pipe holds.
const EachStream = 200_000

// Input is what the parent feeds the counter.
const Input = 1000

// Script starts a background job that inherits its stdout, prints one
// line and exits: what a service's start script often does.
const Script = "sleep 3600 & echo started"

// WaitBeforeRead collects 1 MiB of output.
var WaitBeforeRead = lesson.Pair("wait-before-read", func(c code, _ []string) int {
	out, err := c.CollectOutput(role.Command(Writer, fmt.Sprintf("stdout:%d", OneMiB)))
	return report(len(out), err)
})

// ReadAfterWait collects an output that fits in the pipe.
var ReadAfterWait = lesson.Pair("read-after-wait", func(c code, _ []string) int {
	out, err := c.CollectOutput(role.Command(Writer, fmt.Sprintf("stdout:%d", SmallOutput)))
	return report(len(out), err)
})

// DrainInTurn collects both streams of a writer that fills stderr first.
var DrainInTurn = lesson.Pair("drain-in-turn", func(c code, _ []string) int {
	cmd := role.Command(Writer, fmt.Sprintf("stderr:%d", EachStream), fmt.Sprintf("stdout:%d", EachStream))
	stdout, stderr, err := c.CollectBoth(cmd)
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("stdout %d bytes, stderr %d bytes", len(stdout), len(stderr))
	return 0
})

// StdinNeverClosed feeds a counter its input.
var StdinNeverClosed = lesson.Pair("stdin-never-closed", func(c code, _ []string) int {
	cmd := role.Command(counter)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := c.Feed(cmd, []byte(strings.Repeat("i", Input))); err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("fed %d bytes; the child %s", Input, out.String())
	return 0
})

// BackgroundHoldsPipe runs a script that leaves a job in the background.
var BackgroundHoldsPipe = lesson.Pair("background-holds-pipe", func(c code, _ []string) int {
	out, err := c.RunScript(exec.Command("/bin/sh", "-c", Script))
	role.Emitf("output %q", out)
	if errors.Is(err, exec.ErrWaitDelay) {
		role.Emit("error is exec.ErrWaitDelay")
	}
	return 0
})

// StderrLost asks why a command failed.
var StderrLost = lesson.Pair("stderr-lost", func(c code, _ []string) int {
	role.Emit(c.FailureReason(role.Command(failer)))
	return 0
})

// LeakedDescriptor tells a reader it is done while a helper runs.
var LeakedDescriptor = lesson.Pair("leaked-descriptor", func(c code, _ []string) int {
	helper := role.Command(idle)
	got, err := c.NotifyDone(helper)
	if helper.Process != nil {
		helper.Process.Kill()
		helper.Wait()
	}
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("read %q, then EOF", got)
	return 0
})
