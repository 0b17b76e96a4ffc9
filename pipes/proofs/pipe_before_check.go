//go:build unix

package proofs

import (
	"fmt"
	"os"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pipes"
)

// PipeBeforeCheck is the early return that forgets a pipe.
var PipeBeforeCheck = catalog.Entry{
	ID:    "pipes/pipe-before-check",
	Title: "StdoutPipe made before an early return leaks both ends of the pipe",
	Symptom: "A service that turns down bad requests gains two descriptors with each, until a garbage collection; " +
		"under a burst it fails with \"too many open files\". /proc/<pid>/fd lists pipes whose both ends it holds.",
	Cause: "StdoutPipe opens a pipe at once: the read end for the caller, the write end kept in the Cmd for the child. " +
		"Only Start (or Wait) closes them. A return between StdoutPipe and Start leaves both open until a garbage " +
		"collection happens to run their cleanups.",
	Fix:     "Check the input before making the pipe, right before Start; or use Output, which makes its pipes inside Start.",
	Sources: []string{"000 §9"},
	Refs:    []string{"golang/go#58369"},
	Func:    "Search",
	Test:    "TestPipeBeforeCheck",
	Quiz: catalog.Quiz{
		Scenario: "the child turns down 100 searches for an empty pattern, with the garbage collector off",
	},
	Roles: pipes.PipeBeforeCheck,
	Broken: catalog.Half{
		Says:  "every rejected search leaves a pipe whose both ends the process holds",
		Prove: provePipesLeaked,
	},
	Fixed: catalog.Half{
		Says:  "rejected searches leave no pipe behind",
		Prove: proveNoPipeLeaked,
	},
	Diagram: `sequenceDiagram
    participant H as handler
    participant C as exec.Cmd
    H->>C: StdoutPipe: pipe opened
    H->>H: pattern empty: return
    Note over H,C: no Start, both ends stay open
    H-->>H: fixed: check first, then StdoutPipe`,
}

// The scenario turns its searches down with the garbage collector off,
// then waits on its stdin while the proof counts its descriptors. Those
// from 0 to 3 are the harness's (stdin, stdout, stderr, control); a pipe
// the process holds at two more is one nothing will ever read or close.
func provePipesLeaked(t childproc.T, r role.Role) {
	both, event := leftPipes(t, r)
	require.Equal(t, fmt.Sprintf("rejected %d searches: empty pattern", pipes.Rejected), event)
	require.Len(t, both, pipes.Rejected, "one pipe per rejected search, both ends open")
	t.Logf("after %d rejected searches the process held %d pipes at both ends, such as %s",
		pipes.Rejected, len(both), both[0])
}

func proveNoPipeLeaked(t childproc.T, r role.Role) {
	both, event := leftPipes(t, r)
	require.Equal(t, fmt.Sprintf("rejected %d searches: empty pattern", pipes.Rejected), event)
	require.Empty(t, both, "no pipe held at both ends")
	t.Logf("after %d rejected searches the process held no pipe of its own", pipes.Rejected)
}

// harnessFDs is the last of the descriptors the harness gives a child.
const harnessFDs = 3

// leftPipes runs the scenario and returns the pipes its process held at
// both ends once it had turned the searches down, and what it said then.
func leftPipes(t childproc.T, r role.Role) (both []string, event string) {
	gate, open, err := os.Pipe()
	require.NoError(t, err)
	defer gate.Close()
	defer open.Close()
	p := childproc.Start(t, r, childproc.Stdin(gate), childproc.Timeout(childproc.FinishBound))
	event = p.Await(t, "rejected")
	ends := map[string]int{}
	for fd, target := range procfs.Descriptors(p.Pid) {
		if fd > harnessFDs && strings.HasPrefix(target, "pipe:") {
			ends[target]++
		}
	}
	for target, n := range ends {
		if n == 2 {
			both = append(both, target)
		}
	}
	open.Close()
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	return both, event
}
