//go:build unix

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// SIGPIPE is the silent death of a program whose stdout reader has gone.
var SIGPIPE = catalog.Entry{
	ID:    "signals/sigpipe",
	Title: "A program whose stdout reader has gone dies silently of SIGPIPE",
	Symptom: "A service exits with status 141 and no log line when the process reading its stdout " +
		"(a log collector, `| head`) goes away; deferred functions never run.",
	Cause: "A write to a pipe with no reader fails with EPIPE. On descriptors 1 and 2 the Go runtime then raises SIGPIPE " +
		"(os/file_unix.go, epipecheck), whose default action ends the process; on any other descriptor, 0 included, Write just returns EPIPE.",
	Fix: "A program that must outlive its reader calls signal.Ignore(syscall.SIGPIPE) (or Notify for it): the write to stdout " +
		"then returns EPIPE like any other. A command-line tool in a pipeline should keep the default.",
	Sources: []string{"001 Q26"},
	Refs:    []string{"os/signal doc: \"SIGPIPE\"", "golang/go#11845"},
	Func:    "WriteReport",
	Test:    "TestSIGPIPE",
	Quiz: catalog.Quiz{
		Scenario: "the child writes a report on its stdout, a pipe whose reader has exited",
		Wrong:    "WriteReport returns a broken pipe error and the program carries on",
	},
	Roles: signals.SIGPIPE,
	Broken: catalog.Half{
		Says:  "the first write to stdout kills the process with SIGPIPE (141), and WriteReport never returns",
		Prove: proveSIGPIPEKills,
	},
	Fixed: catalog.Half{
		Says:  "with SIGPIPE ignored, WriteReport returns EPIPE and the program carries on",
		Prove: proveEPIPEReturned,
	},
	Diagram: `sequenceDiagram
    participant R as reader (gone)
    participant C as child
    R--xC: read end closed
    C->>C: write to fd 1 fails with EPIPE
    alt broken
        C->>C: the runtime raises SIGPIPE, killed (141)
    else fixed: SIGPIPE ignored
        C->>C: Write returns EPIPE, the program carries on
    end`,
}

func proveSIGPIPEKills(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, syscall.SIGPIPE, res.Signal, "%s; %q", res.Status(), res.Events)
	require.Equal(t, 141, res.ShellCode)
	require.Equal(t, "stdout's reader is gone", res.LastEvent(), "WriteReport never returned")
	t.Logf("writing to a stdout with no reader: %s; WriteReport never returned", res.Status())
}

func proveEPIPEReturned(t childproc.T, r role.Role) {
	res := childproc.Finish(t, r)
	require.Equal(t, 0, res.ExitCode, "%s; %q", res.Status(), res.Events)
	require.Equal(t, "WriteReport returned write /dev/stdout: broken pipe", res.LastEvent())
	t.Logf("writing to a stdout with no reader: %q; %s", res.LastEvent(), res.Status())
}
