package childproc

import (
	"fmt"
	"strings"
	"syscall"
	"time"
)

// Result is what a finished child left behind.
type Result struct {
	ExitCode  int            // the exit status, or -1 when a signal ended the child
	Signal    syscall.Signal // the signal that ended the child, or 0
	CoreDump  bool           // the kernel wrote a core dump
	ShellCode int            // what a shell's $? would show: the status, or 128+signal
	Stdout    string
	Stderr    string
	Events    []string      // the control-pipe events, in order, without "ready"
	Elapsed   time.Duration // from Start to exit
	TimedOut  bool          // the harness stopped it when its time bound ran out
	Stopped   bool          // the test stopped it with Stop
	Stacks    string        // the goroutine dump from SIGQUIT, when stopped or timed out
}

// LastEvent is the final event the child emitted, or "".
func (r Result) LastEvent() string {
	if len(r.Events) == 0 {
		return ""
	}
	return r.Events[len(r.Events)-1]
}

// HasEvent reports whether the child emitted exactly event.
func (r Result) HasEvent(event string) bool {
	for _, e := range r.Events {
		if e == event {
			return true
		}
	}
	return false
}

// Status describes the end the way a shell user would: "exit 0",
// "exit 2", "killed by SIGKILL (137)".
func (r Result) Status() string {
	if r.Signal != 0 {
		return fmt.Sprintf("killed by %s (%d)", SignalName(r.Signal), r.ShellCode)
	}
	return fmt.Sprintf("exit %d", r.ExitCode)
}

// stacksFrom keeps the part of stderr that a SIGQUIT dump wrote.
func stacksFrom(stderr string) string {
	if i := strings.Index(stderr, "SIGQUIT: quit"); i >= 0 {
		return stderr[i:]
	}
	if i := strings.Index(stderr, "goroutine "); i >= 0 {
		return stderr[i:]
	}
	return ""
}
