package proofs

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// NotAShell is exec.Command taken for a shell, and the shell "fix".
var NotAShell = catalog.Entry{
	ID:    "envs/not-a-shell",
	Title: "exec.Command is not a shell: \"*\" reaches the program as it is, and the sh -c \"fix\" runs what the data says",
	Symptom: "exec.Command(\"grep\", \"ERROR\", \"*.log\") fails with `grep: *.log: No such file or directory` " +
		"(and rm -f dir/* deletes nothing, successfully). Rewritten as sh -c \"grep \"+pattern+\" *.log\", it works, " +
		"until a pattern holds a \";\" and the rest of it runs as a command.",
	Cause: "Globs, pipes, quotes and \";\" are the shell's syntax. exec.Command starts the program with exactly the " +
		"arguments given, \"*\" and \"|\" included. sh -c parses its one string as a program, and pasting data into " +
		"that string makes the data code.",
	Fix: "Expand the glob in Go (filepath.Glob) and pass every value as an argument of its own, after -e and \"--\". " +
		"If a shell is needed, keep the script constant and pass data as positional parameters: " +
		"exec.Command(\"sh\", \"-c\", `grep -e \"$1\" -- *.log`, \"sh\", pattern).",
	Refs: []string{"golang/go#20893", "golang/go#20894", "flohoss/gocron#20", "alpacax/alpamon#151", "alpacax/alpamon#152"},
	Func: "SearchLogs",
	Test: "TestNotAShell",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child searches the *.log files for a pattern a user sent, which holds a ; and a command",
		Wrong:    "grep gets the pattern as one argument, and no command runs",
	},
	Roles: envs.NotAShell,
	Broken: catalog.Half{
		Says:  "the pattern's \";\" ends grep's command, and the rest runs: the injected file appears",
		Prove: proveShellRunsPayload,
	},
	Fixed: catalog.Half{
		Says:  "Glob finds the logs and grep gets the payload as one pattern: no file appears",
		Prove: proveGlobKeepsData,
	},
	Diagram: `sequenceDiagram
    participant C as child
    participant S as sh -c
    participant G as grep
    C->>G: exec grep ERROR "*.log"
    G-->>C: no file named *.log, exit 2
    C->>S: "grep -h " + pattern + " *.log" (broken)
    S->>G: grep -h x
    S->>S: the rest of the pattern: touch injected
    C->>G: grep -h -e PATTERN -- app.log db.log (fixed)`,
}

// runSearches writes the logs into a new directory, has the role search
// it, and returns the events and whether the payload left its file.
func runSearches(t childproc.T, r role.Role) (seen []string, injected bool) {
	t.Helper()
	for _, prog := range []string{"sh", "grep"} {
		if _, err := exec.LookPath(prog); err != nil {
			childproc.SkipWith(t, "needs "+prog+" for the search", r)
		}
	}
	dir := childproc.TempDir(t)
	WriteFile(t, filepath.Join(dir, "app.log"), envs.AppLog, 0o644)
	WriteFile(t, filepath.Join(dir, "db.log"), envs.DBLog, 0o644)
	res := childproc.Finish(t, r, childproc.Args(dir))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	_, err := os.Stat(filepath.Join(dir, envs.Injected))
	return res.Events, err == nil
}

// literalStar is what both halves see from the plain exec.Command: the
// "*" reached grep unexpanded.
var literalStar = []string{
	"exec.Command: grep: *.log: No such file or directory",
	"exec.Command: error: exit status 2",
}

// matches are the ERROR lines of app.log and db.log, in the order of
// their file names.
var matches = []string{"search ERROR: ERROR disk full", "search ERROR: ERROR db down", "search ERROR: ok"}

func proveShellRunsPayload(t childproc.T, r role.Role) {
	seen, injected := runSearches(t, r)
	want := append(append(append([]string{}, literalStar...), matches...), "search payload: ok")
	require.Equal(t, want, seen)
	require.True(t, injected, "the payload's touch ran: %s is there", envs.Injected)
	t.Logf("the plain exec.Command passed \"*.log\" unexpanded (%q); through sh -c the search worked, "+
		"and the pattern %q created %s", seen[0], envs.Payload, envs.Injected)
}

func proveGlobKeepsData(t childproc.T, r role.Role) {
	seen, injected := runSearches(t, r)
	want := append(append(append([]string{}, literalStar...), matches...), "search payload: error: exit status 1")
	require.Equal(t, want, seen)
	require.False(t, injected, "nothing ran the payload's touch")
	t.Logf("Glob found the logs and grep matched %d lines; the pattern %q matched no line (grep exit 1), and no %s appeared",
		len(matches)-1, envs.Payload, envs.Injected)
}
