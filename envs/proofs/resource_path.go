package proofs

import (
	"os"
	"path/filepath"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// ResourcePath is os.Args[0] taken for the program's location.
var ResourcePath = catalog.Entry{
	ID:    "envs/resource-path",
	Title: "os.Args[0] is what the parent chose, not where the program is",
	Symptom: "The program finds its data files when run as ./app/bin/tool, and fails with `open motd.txt: no such file " +
		"or directory` when run through PATH as `tool`, or from a service manager.",
	Cause: "argv[0] is an argument like any other: exec.Command puts the name it was given there, a shell the word typed, " +
		"and any parent can set cmd.Args[0] to anything. Its directory is often \".\".",
	Fix: "os.Executable() asks the OS (Linux: /proc/self/exe, symlinks resolved; Windows: GetModuleFileName); " +
		"look for resources beside that. It can go stale: TestExecutableAfterDelete.",
	Sources: []string{"001 Q12"},
	Refs:    []string{"os.Executable doc: \"There is no guarantee that the path is still pointing to the correct executable\""},
	Func:    "ResourcePath",
	Test:    "TestResourcePath",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the program is installed in app/bin beside its motd.txt, and run through PATH as tool from elsewhere",
	},
	Roles: envs.ResourcePath,
	Broken: catalog.Half{
		Says:  "run as `tool`, the program looks for motd.txt in the working directory",
		Prove: proveArgs0Misleads,
	},
	Fixed: catalog.Half{
		Says:  "run as `tool`, the program finds motd.txt beside itself",
		Prove: proveExecutableFinds,
	},
	Diagram: `sequenceDiagram
    participant C as child (cwd: work)
    participant G as app/bin/tool (argv[0] "tool")
    C->>G: exec app/bin/tool with Args[0] = "tool"
    G->>G: Dir(os.Args[0]) = "." (broken)
    G->>G: Dir(os.Executable()) = app/bin (fixed)
    G-->>C: open motd.txt fails, or the motd`,
}

// runTool installs a copy of the child program as app/bin/tool, with its
// motd.txt beside it, and has the child run it as a shell would run a
// program found through PATH, from another working directory.
func runTool(t childproc.T, r role.Role) []string {
	t.Helper()
	root := childproc.TempDir(t)
	bin, work := filepath.Join(root, "app", "bin"), filepath.Join(root, "work")
	for _, d := range []string{bin, work} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	tool := InstallProgram(t, r, bin, envs.ToolName)
	WriteFile(t, filepath.Join(bin, envs.MotdFile), envs.Motd, 0o644)
	res := childproc.Run(t, r, childproc.Args(tool), childproc.Dir(work), childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveArgs0Misleads(t childproc.T, r role.Role) {
	seen := runTool(t, r)
	require.Equal(t, []string{
		"tool: args0: " + envs.ToolName,
		"tool: error: open " + envs.MotdFile + ": no such file or directory",
		"tool: error: exit status 1",
	}, seen)
	t.Logf("installed in app/bin and run as %q from work: %q", envs.ToolName, seen[1])
}

func proveExecutableFinds(t childproc.T, r role.Role) {
	seen := runTool(t, r)
	require.Equal(t, []string{"tool: args0: " + envs.ToolName, "tool: motd: " + envs.Motd}, seen)
	t.Logf("installed in app/bin and run as %q from work, it found its %s: %q", envs.ToolName, envs.MotdFile, seen[1])
}
