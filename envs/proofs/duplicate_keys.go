package proofs

import (
	"os"
	"os/exec"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// DuplicateKeys is an override appended to an environment that has the key.
var DuplicateKeys = catalog.Entry{
	ID:    "envs/duplicate-keys",
	Title: "A key twice in the environment: a Go child keeps the first, a shell the last",
	Symptom: "append(os.Environ(), \"MODE=new\") passed to os.StartProcess or syscall.Exec: a shell child sees MODE=new, " +
		"a Go child still sees MODE=old. The same code through exec.Cmd works.",
	Cause: "The kernel passes the block as given, duplicates and all. exec.Cmd dedups it first, last value wins " +
		"($GOROOT/src/os/exec/exec.go, dedupEnv); os.StartProcess does not. A Go program keeps the first of duplicates " +
		"and blanks the rest ($GOROOT/src/syscall/env_unix.go, copyenv); dash and bash keep the last.",
	Fix: "Remove the key before appending the new value, so the block has one entry that every reader agrees on; " +
		"or start the child with exec.Cmd.",
	Sources: []string{"001 Q11"},
	Refs:    []string{"$GOROOT/src/syscall/env_unix.go copyenv: \"Clear duplicate keys\""},
	Func:    "WithSetting",
	Test:    "TestDuplicateKeys",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "with MODE=old set, the child passes its environment and MODE=new to a Go probe and to sh",
		AskFixed: true,
		Wrong:    "sh sees the old value, and the Go probe the new one",
	},
	Roles: envs.DuplicateKeys,
	Broken: catalog.Half{
		Says:  "through os.StartProcess a Go child sees the old value and sh the new one",
		Prove: proveDuplicatesDisagree,
	},
	Fixed: catalog.Half{
		Says:  "every child sees the new value",
		Prove: proveOneValue,
	},
	Diagram: `sequenceDiagram
    participant C as child (MODE=old)
    participant G as Go child
    participant S as sh child
    C->>G: os.StartProcess, env [..., MODE=old, MODE=new]
    G-->>C: MODE=old (first wins)
    C->>S: os.StartProcess, same env
    S-->>C: MODE=new (last wins)`,
}

// runDuplicates runs the scenario with MODE=old in the child's
// environment. While the Go child it starts through os.StartProcess waits
// on the stdin this proof holds, the proof reads from /proc the MODE
// entries the kernel handed that child; then it lets the scenario finish.
// It returns those entries and what each child saw.
func runDuplicates(t childproc.T, r role.Role) (block, seen []string) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh for the shell child", r)
	}
	stdin, hold, err := os.Pipe()
	require.NoError(t, err)
	defer hold.Close()
	p := childproc.Start(t, r, childproc.Env(envs.OldMode), childproc.Stdin(stdin), childproc.Timeout(childproc.FinishBound))
	stdin.Close() // the child has it
	goChild := p.AwaitPID(t, envs.GoChild)
	// os.StartProcess returns once exec has replaced the program, a moment
	// before the kernel has laid out the new environment: read until it is
	// there. The Go child cannot exit before this proof lets it.
	var environ []string
	p.Until(t, "the Go child's environment is laid out", func() bool {
		environ = procfs.Environ(goChild)
		return len(environ) > 0
	})
	for _, kv := range environ {
		if strings.HasPrefix(kv, "MODE=") {
			block = append(block, kv)
		}
	}
	hold.Close() // the Go child reads EOF, reports its MODE and exits
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	require.NotEmpty(t, res.Events)
	return block, res.Events[1:] // after the Go child's pid
}

func proveDuplicatesDisagree(t childproc.T, r role.Role) {
	block, seen := runDuplicates(t, r)
	require.Equal(t, []string{envs.OldMode, envs.NewMode}, block, "the kernel handed the Go child both entries")
	require.Equal(t, []string{
		"StartProcess, Go child: " + envs.OldMode,
		"StartProcess, sh child: " + envs.NewMode,
		"exec.Cmd, Go child: " + envs.NewMode,
		"exec.Cmd, sh child: " + envs.NewMode,
	}, seen)
	t.Logf("the Go child's /proc environ held %q; through os.StartProcess it saw %s and sh %s; through exec.Cmd both saw %s",
		block, envs.OldMode, envs.NewMode, envs.NewMode)
}

func proveOneValue(t childproc.T, r role.Role) {
	block, seen := runDuplicates(t, r)
	require.Equal(t, []string{envs.NewMode}, block, "the kernel handed the Go child one entry")
	require.Equal(t, []string{
		"StartProcess, Go child: " + envs.NewMode,
		"StartProcess, sh child: " + envs.NewMode,
		"exec.Cmd, Go child: " + envs.NewMode,
		"exec.Cmd, sh child: " + envs.NewMode,
	}, seen)
	t.Logf("the Go child's /proc environ held %q; every child, Go or sh, through os.StartProcess or exec.Cmd, saw %s",
		block, envs.NewMode)
}
