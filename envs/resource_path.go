package envs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

const motd = "welcome from app/bin"

// The tool is the installed program. It reports its argv[0], then looks for
// motd.txt beside itself with c.ResourcePath and prints what it found.
var toolBroken, toolFixed = pair("envs/resource-path/tool", func(c code) int {
	fmt.Println("args0: " + os.Args[0])
	path, err := c.ResourcePath("motd.txt")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	text, err := os.ReadFile(path)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Printf("motd: %s\n", text)
	return 0
})

// runInstalled runs the installed program at path (args[0]) the way a shell
// runs a program it found in PATH: argv[0] is the bare name, not the path.
func runInstalled(tool childproc.Role) func(args []string) int {
	return func(args []string) int {
		cmd := childproc.Command(tool)
		cmd.Path = args[0]
		cmd.Args = []string{"tool"}
		out, err := cmd.Output()
		reportOutput("tool", out, err)
		return 0
	}
}

var (
	resourcePathBroken = childproc.Register("envs/resource-path/broken", runInstalled(toolBroken))
	resourcePathFixed  = childproc.Register("envs/resource-path/fixed", runInstalled(toolFixed))
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
		"look for resources beside that.",
	Sources: []string{"001 Q12"},
	Refs:    []string{"os.Executable doc: \"There is no guarantee that the path is still pointing to the correct executable\""},
	Func:    "ResourcePath",
	Test:    "TestResourcePath",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "run as `tool`, the program looks for motd.txt in the working directory",
		Role:  resourcePathBroken,
		Prove: proveArgs0Misleads,
	},
	Fixed: catalog.Half{
		Says:  "run as `tool`, the program finds motd.txt beside itself",
		Role:  resourcePathFixed,
		Prove: proveExecutableFinds,
	},
}

// runTool installs the program with its motd.txt under a new directory and
// runs it, through the child, from another working directory.
func runTool(t childproc.T, role childproc.Role) []string {
	t.Helper()
	root := tempDir(t)
	bin, work := filepath.Join(root, "app", "bin"), filepath.Join(root, "work")
	for _, d := range []string{bin, work} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	tool := installBinary(t, bin, "tool")
	writeFile(t, filepath.Join(bin, "motd.txt"), motd, 0o644)
	res := childproc.Run(t, role, childproc.Args(tool), childproc.Dir(work))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveArgs0Misleads(t childproc.T, role childproc.Role) {
	seen := runTool(t, role)
	assert.Equal(t, []string{
		"tool: args0: tool",
		"tool: error: open motd.txt: no such file or directory",
		"tool: error: exit status 1",
	}, seen)
	t.Logf("%q", seen)
}

func proveExecutableFinds(t childproc.T, role childproc.Role) {
	seen := runTool(t, role)
	assert.Equal(t, []string{"tool: args0: tool", "tool: motd: " + motd}, seen)
	t.Logf("%q", seen)
}
