package proofs

import (
	"os/exec"
	"path/filepath"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// PWDChange is what Go 1.19 changed in the PWD of a child started in
// another directory.
var PWDChange = catalog.Change{
	Since: "go1.19",
	Before: "a child started with Dir set inherited the parent's PWD, stale, whatever Env was, " +
		"and there was no Cmd.Environ",
	After: "with a nil Env, exec adds PWD=Dir (made absolute) to the inherited environment; a hand-built Env is passed " +
		"as it is, and cmd.Environ(), called once Dir is set, returns the environment with that PWD",
	Source: "os/exec/exec.go, (*Cmd).environ: PWD is set from Dir only when Env is nil (go.dev/issue/50599); " +
		"Cmd.Environ was added with it",
	Test: "envs.TestStalePWD",
}

// StalePWD is a child run in another directory with an environment built
// from os.Environ().
var StalePWD = catalog.Entry{
	ID:    "envs/stale-pwd",
	Title: "Cmd.Dir with a hand-built Env leaves the child a stale $PWD",
	Symptom: "A child run with cmd.Dir = workdir and cmd.Env = append(os.Environ(), \"CI=1\") works in workdir, but its " +
		"$PWD names the parent's directory: make's $(PWD), and programs that trust it, read and write there. " +
		"Tests through sh pass: a shell whose PWD does not name its directory resets it.",
	Cause: "PWD is an ordinary variable that shells keep equal to the working directory. os.Environ() copies the parent's. " +
		"Since Go 1.19 exec sets PWD from Dir itself, but only when Env is nil, so as not to override a PWD the caller chose.",
	Fix: "Build the environment from cmd.Environ() after setting Dir: cmd.Env = append(cmd.Environ(), \"CI=1\"). " +
		"Called before Dir is set, Environ cannot know the directory (golang/go#63782 proposes a vet check).",
	Sources: []string{"001 Q11"},
	Refs:    []string{"golang/go#50599", "candid82/joker#479", "golang/go#63782", "golang/go#68000"},
	Func:    "RunInDir",
	Test:    "TestStalePWD",
	Tree:    true,
	Changes: []catalog.Change{PWDChange},
	Quiz: catalog.Quiz{
		Scenario: "the child runs printenv PWD in another directory, with its own environment plus CI=1",
	},
	Roles: envs.StalePWD,
	Broken: catalog.Half{
		Says:  "the child works in the new directory and its $PWD names the parent's",
		Prove: proveStalePWD,
	},
	Fixed: catalog.Half{
		Says:  "the child's $PWD names the directory it works in",
		Prove: proveFreshPWD,
	},
	Diagram: `sequenceDiagram
    participant C as child (cwd and PWD = home)
    participant P as printenv PWD
    C->>P: Dir = work, Env = os.Environ() + CI=1 (broken)
    P-->>C: home, though its cwd is work
    C->>P: Dir = work, Env = cmd.Environ() + CI=1 (fixed)
    P-->>C: work`,
}

// A pwdRun is what StalePWD's child reported, and where it ran.
type pwdRun struct {
	seen       []string
	home, work string // the child's working directory, and the one it runs its programs in
}

// runPWD starts the role in a directory with PWD naming it, as a shell
// would, and has it run its programs in another.
func runPWD(t childproc.T, r role.Role) pwdRun {
	t.Helper()
	for _, prog := range []string{"printenv", "pwd", "sh"} {
		if _, err := exec.LookPath(prog); err != nil {
			childproc.SkipWith(t, "needs "+prog+" to report the grandchild's directory", r)
		}
	}
	root, err := filepath.EvalSymlinks(childproc.TempDir(t))
	require.NoError(t, err)
	d := pwdRun{home: filepath.Join(root, "home"), work: filepath.Join(root, "work")}
	mkdirs(t, d.home, d.work)
	res := childproc.Run(t, r, childproc.Dir(d.home), childproc.Env("PWD="+d.home), childproc.Args(d.work),
		childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	d.seen = res.Events
	return d
}

// nilEnvPWD is the PWD a child started with Dir and a nil Env gets on
// the running release.
func (d pwdRun) nilEnvPWD() string {
	if catalog.Since(PWDChange.Since) {
		return d.work
	}
	return d.home
}

func proveStalePWD(t childproc.T, r role.Role) {
	d := runPWD(t, r)
	require.Equal(t, []string{
		"Env nil, $PWD: " + d.nilEnvPWD(),
		"RunInDir, $PWD: " + d.home,
		"RunInDir, cwd: " + d.work,
		"RunInDir, sh's $PWD: " + d.work,
	}, d.seen)
	t.Logf("run in %s with Env = os.Environ()+CI=1, printenv saw PWD=%s; a shell, which checks PWD against its "+
		"directory, said %s; with a nil Env, printenv saw PWD=%s (%s)", d.work, d.home, d.work, d.nilEnvPWD(), catalog.Release())
}

func proveFreshPWD(t childproc.T, r role.Role) {
	d := runPWD(t, r)
	require.Equal(t, []string{
		"Env nil, $PWD: " + d.nilEnvPWD(),
		"RunInDir, $PWD: " + d.work,
		"RunInDir, cwd: " + d.work,
		"RunInDir, sh's $PWD: " + d.work,
	}, d.seen)
	t.Logf("run in %s with Env = cmd.Environ()+CI=1, the grandchild's PWD and working directory were both %s", d.work, d.work)
}
