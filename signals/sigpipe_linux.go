package signals

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// brokenPipeOn puts on descriptor fd the write end of a pipe whose reader
// has gone, as `prog | head -1` leaves prog's stdout once head has exited.
func brokenPipeOn(fd int) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	r.Close()
	if err := syscall.Dup3(int(w.Fd()), fd, 0); err != nil {
		return err
	}
	return w.Close()
}

var sigpipeBroken, sigpipeFixed = pair("signals/sigpipe", func(c code, _ []string) int {
	if err := brokenPipeOn(1); err != nil {
		return fail(err)
	}
	childproc.Emit("stdout's reader is gone")
	err := c.WriteReport([]string{"report line 1", "report line 2"})
	childproc.Emitf("WriteReport returned %v", err)
	return 0
})

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
	Broken: catalog.Half{
		Says:  "the first write to stdout kills the process with SIGPIPE (141); WriteReport never returns",
		Role:  sigpipeBroken,
		Prove: proveSIGPIPEKills,
	},
	Fixed: catalog.Half{
		Says:  "with SIGPIPE ignored, WriteReport returns EPIPE and the program carries on",
		Role:  sigpipeFixed,
		Prove: proveEPIPEReturned,
	},
}

func proveSIGPIPEKills(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role)
	require.Equal(t, syscall.SIGPIPE, res.Signal, "%s; %q", res.Status(), res.Events)
	assert.Equal(t, 141, res.ShellCode)
	assert.Equal(t, "stdout's reader is gone", res.LastEvent(), "WriteReport never returned")
	t.Logf("writing to a stdout with no reader: %s; WriteReport never returned", res.Status())
}

func proveEPIPEReturned(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role)
	require.Equal(t, 0, res.ExitCode, "%s; %q", res.Status(), res.Events)
	assert.Equal(t, "WriteReport returned write /dev/stdout: broken pipe", res.LastEvent())
	t.Logf("writing to a stdout with no reader: %q; %s", res.LastEvent(), res.Status())
}

// brokenPipe writes once to descriptor args[0], whose reader has gone, with
// SIGPIPE as args[1] says: "default", "notify" or "ignore". A descriptor
// other than 0, 1 and 2 is taken high (100), clear of those the runtime opens.
var brokenPipe = childproc.Register("signals/broken-pipe", func(args []string) int {
	fd, _ := strconv.Atoi(args[0])
	c := make(chan os.Signal, 1)
	switch args[1] {
	case "notify":
		signal.Notify(c, syscall.SIGPIPE)
	case "ignore":
		signal.Ignore(syscall.SIGPIPE)
	}
	if err := brokenPipeOn(fd); err != nil {
		return fail(err)
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("fd%d", fd))
	_, err := f.Write([]byte("x\n"))
	childproc.Emitf("write returned %v", err)
	if args[1] == "notify" {
		childproc.Emitf("channel got %v", <-c)
	}
	return 0
})
