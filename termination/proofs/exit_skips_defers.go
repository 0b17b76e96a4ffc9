//go:build unix

package proofs

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/termination"
)

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
	Quiz: catalog.Quiz{
		Scenario: "the child writes a 4-line report through a bufio.Writer into a file, then exits with status 2",
	},
	Roles: termination.ExitSkipsDefers,
	Broken: catalog.Half{
		Says:  "the exit status is right and the report file is empty",
		Prove: proveReportEmpty,
	},
	Fixed: catalog.Half{
		Says:  "every line reaches the file before the exit",
		Prove: proveReportWritten,
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child (ExitWithReport)
    T->>C: start, with the path of report.txt
    C->>C: create the file, defer Close and Flush
    C->>C: write 4 lines into the buffer
    alt broken
        C->>C: os.Exit(1) skips the deferred calls
        C-->>T: exit 1, report.txt is empty
    else fixed
        C->>C: writeReport returns after Flush and Close
        C->>C: os.Exit(1)
        C-->>T: exit 1, report.txt holds 4 lines
    end`,
}

// runReport runs the report child and checks what both halves share: the
// exit status says that some results failed, and ExitWithReport never
// returns.
func runReport(t childproc.T, r role.Role) (path string) {
	path = filepath.Join(childproc.TempDir(t), "report.txt")
	res := childproc.Finish(t, r, childproc.Args(path))
	require.Equal(t, termination.ReportStatus(), res.ExitCode, "the exit status says some failed; stderr: %s", res.Stderr)
	require.NotContains(t, res.Events, termination.ReportReturned)
	return path
}

func proveReportEmpty(t childproc.T, r role.Role) {
	path := runReport(t, r)
	info, err := os.Stat(path)
	require.NoError(t, err, "the file was created")
	require.Zero(t, info.Size(), "the buffered lines never reached the file")
	t.Logf("exit %d as intended, but %s holds %d bytes: the deferred Flush and Close never ran",
		termination.ReportStatus(), filepath.Base(path), info.Size())
}

func proveReportWritten(t childproc.T, r role.Role) {
	path := runReport(t, r)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, strings.Join(termination.ReportResults, "\n")+"\n", string(got))
	t.Logf("exit %d and %s holds all %d lines (%d bytes): flushed and closed before os.Exit",
		termination.ReportStatus(), filepath.Base(path), len(termination.ReportResults), len(got))
}
