package envs

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"runtime"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// modeScript prints MODE from a shell.
const modeScript = `echo "MODE=$MODE"`

// The child runs with MODE=old and overrides it with c.WithSetting. It
// hands the same environment to a Go probe and to sh, once through
// os.StartProcess, which passes it as it is, and once through exec.Cmd,
// which dedups it; each reports the MODE it sees.
var duplicateKeysBroken, duplicateKeysFixed = pair("envs/duplicate-keys", func(c code) int {
	goChild := childproc.Command(probe, "env:MODE", "raw:MODE")
	env := c.WithSetting(goChild.Env, "MODE", "new")
	sh, err := exec.LookPath("sh")
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	out, err := startProcess(goChild.Path, goChild.Args, env)
	reportOutput("StartProcess, Go child", out, err)
	out, err = startProcess(sh, []string{"sh", "-c", modeScript}, env)
	reportOutput("StartProcess, sh child", out, err)

	goCmd := childproc.Command(probe, "env:MODE")
	goCmd.Env = env
	out, err = goCmd.Output()
	reportOutput("exec.Cmd, Go child", out, err)
	shCmd := exec.Command(sh, "-c", modeScript)
	shCmd.Env = env
	out, err = shCmd.Output()
	reportOutput("exec.Cmd, sh child", out, err)
	return 0
})

// startProcess runs a program with exactly argv and env, as os.StartProcess
// and syscall.Exec do, and returns its stdout.
func startProcess(path string, argv, env []string) ([]byte, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Env: env, Files: []*os.File{nil, w, os.Stderr}})
	w.Close()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, copyErr := io.Copy(&out, r)
	if _, err := p.Wait(); err != nil {
		return out.Bytes(), err
	}
	return out.Bytes(), copyErr
}

// DuplicateKeys is an override appended to an environment that has the key.
var DuplicateKeys = catalog.Entry{
	ID:    "envs/duplicate-keys",
	Title: "A key twice in the environment: a Go child keeps the first, a shell the last",
	Symptom: "append(os.Environ(), \"MODE=new\") passed to os.StartProcess or syscall.Exec: a shell child sees MODE=new, " +
		"a Go child still sees MODE=old. The same code through exec.Cmd works.",
	Cause: "The kernel passes the block as given, duplicates and all. exec.Cmd dedups it first, last value wins " +
		"($GOROOT/src/os/exec/exec.go, dedupEnv); os.StartProcess does not. A Go program keeps the first of duplicates " +
		"and blanks the rest ($GOROOT/src/syscall/env_unix.go, copyenv); dash and bash keep the last.",
	Fix:     "Remove the key before appending the new value, so the block has one entry that every reader agrees on; or start the child with exec.Cmd.",
	Sources: []string{"001 Q11"},
	Refs:    []string{"$GOROOT/src/syscall/env_unix.go copyenv: \"Clear duplicate keys\""},
	Func:    "WithSetting",
	Test:    "TestDuplicateKeys",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "through os.StartProcess a Go child sees the old value and sh the new one",
		Role:  duplicateKeysBroken,
		Prove: proveDuplicatesDisagree,
	},
	Fixed: catalog.Half{
		Says:  "every child sees the new value",
		Role:  duplicateKeysFixed,
		Prove: proveOneValue,
	},
}

// runDuplicates runs the scenario with MODE=old in the child's environment
// and returns the events, less the raw block, which it checks.
func runDuplicates(t childproc.T, role childproc.Role, rawWant string) []string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh for the shell child", role)
	}
	res := childproc.Run(t, role, childproc.Env("MODE=old"))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	require.Len(t, res.Events, 5, "%q", res.Events)
	if runtime.GOOS == "linux" {
		assert.Equal(t, "StartProcess, Go child: raw MODE: "+rawWant, res.Events[1],
			"the block the kernel handed the Go child")
	}
	return append(res.Events[:1:1], res.Events[2:]...)
}

func proveDuplicatesDisagree(t childproc.T, role childproc.Role) {
	seen := runDuplicates(t, role, "[MODE=old MODE=new]")
	assert.Equal(t, []string{
		"StartProcess, Go child: MODE=old",
		"StartProcess, sh child: MODE=new",
		"exec.Cmd, Go child: MODE=new",
		"exec.Cmd, sh child: MODE=new",
	}, seen)
	t.Logf("environment [... MODE=old MODE=new]: %q", seen)
}

func proveOneValue(t childproc.T, role childproc.Role) {
	seen := runDuplicates(t, role, "[MODE=new]")
	assert.Equal(t, []string{
		"StartProcess, Go child: MODE=new",
		"StartProcess, sh child: MODE=new",
		"exec.Cmd, Go child: MODE=new",
		"exec.Cmd, sh child: MODE=new",
	}, seen)
	t.Logf("environment [... MODE=new]: %q", seen)
}
