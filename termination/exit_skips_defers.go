//go:build unix

package termination

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// reportResults are what the report child writes, one line each; two of
// them failed, so it exits with status 2.
var reportResults = []string{"ok   parse", "FAIL render", "ok   save", "FAIL upload"}

func failures(results []string) int {
	n := 0
	for _, r := range results {
		if strings.HasPrefix(r, "FAIL") {
			n++
		}
	}
	return n
}

var exitSkipsDefersBroken, exitSkipsDefersFixed = pair("termination/exit-skips-defers", func(c code, args []string) int {
	c.ExitWithReport(args[0], reportResults)
	childproc.Emit("ExitWithReport returned") // it never does: it exits
	return 0
})

// ExitSkipsDefers is 000 §1's example: os.Exit and a deferred Flush.
var ExitSkipsDefers = catalog.Entry{
	ID:    "termination/exit-skips-defers",
	Title: "os.Exit skips the deferred Flush and Close: the report file is left empty",
	Symptom: "The program exits with the right status, but the file it wrote is empty " +
		"(or cut at a multiple of the buffer size).",
	Cause: "os.Exit ends the process at once, in exit_group(2): no deferred call runs, in any goroutine, " +
		"so what still sits in the bufio.Writer never reaches the file.",
	Fix: "The run() error pattern: do the work in a function that returns, with its deferred calls; " +
		"only main calls os.Exit, when nothing is left to flush or close.",
	Sources: []string{"000 §1", "000 §11", "001 Q2", "001 Q10"},
	Refs:    []string{"os.Exit doc: \"deferred functions are not run\""},
	Func:    "ExitWithReport",
	Test:    "TestExitSkipsDefers",
	Broken: catalog.Half{
		Says:  "the exit status is right and the report file is empty",
		Role:  exitSkipsDefersBroken,
		Prove: proveReportEmpty,
	},
	Fixed: catalog.Half{
		Says:  "every line reaches the file before the exit",
		Role:  exitSkipsDefersFixed,
		Prove: proveReportWritten,
	},
}

func runReport(t childproc.T, role childproc.Role) (childproc.Result, string) {
	dir, err := os.MkdirTemp("", "procbugs-report-*")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "report.txt")
	res := childproc.Run(t, role, childproc.Args(path))
	require.Equal(t, failures(reportResults), res.ExitCode, "the exit status is the number of failures; stderr: %s", res.Stderr)
	assert.NotContains(t, res.Events, "ExitWithReport returned")
	return res, path
}

func proveReportEmpty(t childproc.T, role childproc.Role) {
	_, path := runReport(t, role)
	info, err := os.Stat(path)
	require.NoError(t, err, "the file was created")
	assert.Zero(t, info.Size(), "the buffered lines never reached the file")
	t.Logf("exit %d as intended, but %s holds %d bytes: the deferred Flush and Close never ran",
		failures(reportResults), filepath.Base(path), info.Size())
}

func proveReportWritten(t childproc.T, role childproc.Role) {
	_, path := runReport(t, role)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	want := strings.Join(reportResults, "\n") + "\n"
	assert.Equal(t, want, string(got))
	t.Logf("exit %d and %s holds all %d lines (%d bytes): flushed and closed before os.Exit",
		failures(reportResults), filepath.Base(path), len(reportResults), len(got))
}
