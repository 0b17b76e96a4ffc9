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

// EnvPathIgnored is a PATH set in Cmd.Env to choose the program.
var EnvPathIgnored = catalog.Entry{
	ID:    "envs/env-path-ignored",
	Title: "The PATH in Cmd.Env does not choose the program: exec looks it up in the parent's PATH",
	Symptom: "With cmd.Env = append(cmd.Environ(), \"PATH=\"+toolsDir+...), the system's mytool runs, not the one in " +
		"toolsDir; a tool that is only in toolsDir gives `executable file not found in $PATH`.",
	Cause: "exec.Command calls LookPath at once, and LookPath reads this process's PATH, os.Getenv(\"PATH\") " +
		"($GOROOT/src/os/exec/lp_unix.go); Env is only what the child gets once it runs. Setting Env after Command " +
		"cannot change the program Command already chose (cmd.Path).",
	Fix: "Look the name up in the PATH you mean, yourself (its absolute directories, executable regular files), and " +
		"run the path you found; or name the program by its path. Never os.Setenv(\"PATH\") for it in a program that " +
		"starts processes from more than one goroutine.",
	Sources: []string{"001 Q11", "001 Q23"},
	Refs:    []string{"golang/go#53996", "golang/go#20081", "googleapis/librarian#6273", "vmware/vic#724"},
	Func:    "RunTool",
	Test:    "TestEnvPathIgnored",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "the child runs mytool and newtool with a PATH in Cmd.Env that puts the tools directory first",
	},
	Roles: envs.EnvPathIgnored,
	Broken: catalog.Half{
		Says:  "the system's mytool runs, and newtool, only in the tools directory, is not found",
		Prove: proveParentPathChooses,
	},
	Fixed: catalog.Half{
		Says:  "both tools run from the tools directory",
		Prove: proveToolsDirChooses,
	},
	Diagram: `sequenceDiagram
    participant C as child (PATH=system:...)
    participant S as system/mytool
    participant T as tools/mytool
    C->>C: exec.Command("mytool"): LookPath in PATH=system:...
    C->>S: Env PATH=tools:... (broken)
    S-->>C: mytool from the system directory
    C->>T: found in tools:... first (fixed)
    T-->>C: mytool from the tools directory`,
}

// runTools puts mytool in a directory on the child's PATH, mytool and
// newtool in a tools directory, and has the role run both tools with that
// directory first in their PATH. It returns the events.
func runTools(t childproc.T, r role.Role) []string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh to run the tools", r)
	}
	root := childproc.TempDir(t)
	system, tools := filepath.Join(root, "system"), filepath.Join(root, "tools")
	mkdirs(t, system, tools)
	WriteFile(t, filepath.Join(system, envs.PathTool), envs.SystemsTool, 0o755)
	WriteFile(t, filepath.Join(tools, envs.PathTool), envs.ToolsDirTool, 0o755)
	WriteFile(t, filepath.Join(tools, envs.NewTool), envs.ToolsDirNewer, 0o755)
	path := system + string(os.PathListSeparator) + os.Getenv("PATH")
	res := childproc.Run(t, r, childproc.Args(tools), childproc.Env("PATH="+path), childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveParentPathChooses(t childproc.T, r role.Role) {
	seen := runTools(t, r)
	require.Equal(t, []string{
		envs.PathTool + ": mytool from the system directory",
		envs.NewTool + `: error: exec: "` + envs.NewTool + `": executable file not found in $PATH`,
	}, seen)
	t.Logf("with the tools directory first in Cmd.Env's PATH: %q, and %q", seen[0], seen[1])
}

func proveToolsDirChooses(t childproc.T, r role.Role) {
	seen := runTools(t, r)
	require.Equal(t, []string{
		envs.PathTool + ": mytool from the tools directory",
		envs.NewTool + ": newtool from the tools directory",
	}, seen)
	t.Logf("looked up in the PATH it was meant for: %q, %q", seen[0], seen[1])
}
