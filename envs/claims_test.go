package envs_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/envs/proofs"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// The source texts' claims about the environment, argv[0] and LookPath
// that no entry covers, each run in a child process; and the checks that
// back an entry's Cause or Fix (their roles are in checks.go). The claims
// and their verdicts are in proofs/claims.go.

// raceExit is the status a -race program exits with after reporting a
// race (GORACE exitcode, 66 by default).
const raceExit = 66

// raceChild runs a child built with -race. GORACE keeps it from sleeping
// a second before it exits (the race runtime's atexit_sleep_ms defaults to
// 1000, and the harness gives a child no GORACE of its own). Its bound is
// ten times FinishBound because, as the harness arms it, it counts from
// exec, and on a loaded machine the race runtime alone takes seconds to
// start.
func raceChild(t *testing.T, r role.Role) childproc.Result {
	t.Helper()
	return childproc.Run(t, r, childproc.Env("GORACE=atexit_sleep_ms=0"), childproc.Timeout(10*childproc.FinishBound))
}

// TestSetenvGetenvDoNotRace runs concurrent os.Setenv and os.Getenv in one
// child, and a write and a read of a shared Config in another, both built
// with the race detector, which reports only the Config.
func TestSetenvGetenvDoNotRace(t *testing.T) {
	t.Parallel()
	if _, err := childproc.Program(envs.EnvRace); errors.Is(err, childproc.ErrNoCgo) {
		childproc.SkipWith(t, "the race detector needs cgo, and no C compiler can build its child here",
			envs.EnvRace, envs.ConfigRace)
	}
	env := raceChild(t, envs.EnvRace)
	require.Equal(t, 0, env.ExitCode, env.Stderr)
	require.NotContains(t, env.Stderr, "DATA RACE")
	require.Equal(t, []string{"setenv and getenv done"}, env.Events)

	cfg := raceChild(t, envs.ConfigRace)
	require.Equal(t, raceExit, cfg.ExitCode, cfg.Stderr)
	require.Contains(t, cfg.Stderr, "WARNING: DATA RACE")
	require.Contains(t, cfg.Stderr, "procbugs/envs.reloadConfig()", "the report names the writer")
	require.Contains(t, cfg.Stderr, "procbugs/envs.readConfig()", "and the reader")
	require.Equal(t, []string{"write and read done"}, cfg.Events)
	t.Logf("under -race: %d Setenv against %d Getenv+Environ: %s, no report; "+
		"a Config written and read without a lock: %s, WARNING: DATA RACE between reloadConfig and readConfig",
		envs.Rounds, envs.Rounds, env.Status(), cfg.Status())
}

// TestSetenvReachesLibc runs a cgo child that sets a variable from Go and
// reads it from C, and sets another from C and reads it from Go.
func TestSetenvReachesLibc(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, envs.LibcEnv)
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Equal(t, []string{
		`C getenv(SET_BY_GO) = ("go", true)`,
		`os.LookupEnv(SET_BY_C) = ("", false)`,
	}, res.Events)
	t.Logf("in a cgo program, os.Setenv reached C's environ and C's setenv did not reach Go: %q", res.Events)
}

// TestSecretHidesUnderEveryVerb prints a Config that holds a Secret, in a
// child, in every way code prints values, and reads what reached stdout.
func TestSecretHidesUnderEveryVerb(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, envs.SecretFormats)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	const cfgPlain = `{svc  <redacted>}`
	require.Equal(t, []string{
		`%v: ` + cfgPlain,
		`%+v: {Name:svc Listen: DatabaseURL:<redacted>}`,
		`%#v: envs.Config{Name:"svc", Listen:"", DatabaseURL:envs.Secret("<redacted>")}`,
		`%s: ` + cfgPlain,
		`%q: {"svc" "" <redacted>}`,
		`%x: <redacted>`,
		`Secret %v: <redacted>`,
		`Secret %#v: envs.Secret("<redacted>")`,
		`Secret %q: <redacted>`,
		`String(): <redacted>`,
		`GoString(): envs.Secret("<redacted>")`,
		`json Config: {"Name":"svc","Listen":"","DatabaseURL":"\u003credacted\u003e"}`,
		`json Secret: "\u003credacted\u003e"`,
		`Println: ` + cfgPlain,
		`unexported field %v: {` + envs.DatabaseURL + `}`,
	}, lines)
	leaked := 0
	for _, l := range lines {
		if strings.Contains(l, envs.Password) {
			leaked++
		}
	}
	require.Equal(t, 1, leaked, "only the unexported field shows the password")
	t.Logf("%d of %d ways of printing hid the secret; a Secret in an unexported field printed raw: %q",
		len(lines)-leaked, len(lines), lines[len(lines)-1])
}

// toolDirs makes a working directory holding procbugs-tool, and relbin/
// holding another, and returns it.
func toolDirs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "relbin"), 0o755))
	proofs.WriteFile(t, filepath.Join(dir, envs.LookupTool), "#!/bin/sh\necho here\n", 0o755)
	proofs.WriteFile(t, filepath.Join(dir, "relbin", envs.LookupTool), "#!/bin/sh\necho relbin\n", 0o755)
	return dir
}

// TestLookPathRelativeEntries runs exec.LookPath in a child under PATH
// values with ".", an empty entry (leading or trailing), a relative
// directory and an absolute one.
func TestLookPathRelativeEntries(t *testing.T) {
	t.Parallel()
	dir := toolDirs(t)
	sep, sys := string(os.PathListSeparator), os.Getenv("PATH")
	abs := filepath.Join(dir, "relbin")
	here := `path="` + envs.LookupTool + `" ErrDot=true Error.Name="` + envs.LookupTool + `"`
	inRelbin := `path="relbin/` + envs.LookupTool + `" ErrDot=true Error.Name="` + envs.LookupTool + `"`
	for _, c := range []struct{ entry, path, want string }{
		{"a dot entry first", "." + sep + sys, here},
		{"an empty entry first", sep + sys, here},
		{"an empty entry last", sys + sep, here},
		{"a relative directory first", "relbin" + sep + sys, inRelbin},
		{"a relative directory spelled with a dot first", "./relbin" + sep + sys, inRelbin},
		{"an absolute directory first", abs + sep + sys, `path="` + filepath.Join(abs, envs.LookupTool) + `" ErrDot=false Error.Name=""`},
	} {
		t.Run("PATH with "+c.entry, func(t *testing.T) {
			t.Parallel()
			res := childproc.Finish(t, envs.LookPath, childproc.Dir(dir), childproc.Env("PATH="+c.path))
			require.Equal(t, 0, res.ExitCode, res.Stderr)
			require.Equal(t, []string{c.want}, res.Events, "PATH=%s", c.path)
			t.Logf("PATH with %s: %s", c.entry, res.LastEvent())
		})
	}
}

// TestClearErrDot shows the documented escape: a caller that trusts the
// program found through "." clears cmd.Err, and it runs.
func TestClearErrDot(t *testing.T) {
	t.Parallel()
	dir := toolDirs(t)
	path := "." + string(os.PathListSeparator) + os.Getenv("PATH")
	res := childproc.Finish(t, envs.ClearErrDot, childproc.Dir(dir), childproc.Env("PATH="+path))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Equal(t, []string{
		`cmd.Err: exec: "` + envs.LookupTool + `": cannot run executable found relative to current directory`,
		"ran " + envs.LookupTool + ": here",
	}, res.Events)
	t.Logf("cmd.Err was ErrDot; cleared, the command ran: %q", res.Events[1])
}

// TestExecutableAfterDelete runs a copy of the child program under a
// made-up argv[0], deletes the copy while it runs, and reads what the
// program then says about itself.
func TestExecutableAfterDelete(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		childproc.SkipWith(t, "the deleted-file case is Linux's /proc/self/exe", envs.ExecutableDeleted)
	}
	copied := proofs.InstallProgram(t, envs.ExecutableDeleted, t.TempDir(), envs.ToolName)
	res := childproc.Finish(t, envs.ExecutableDeleted, childproc.Args(copied))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Equal(t, []string{
		"program: args0: " + envs.FakeArgv0,
		"program: exe: " + copied + " exists=false",
	}, res.Events)
	t.Logf("argv[0] was the parent's choice, %q; after its file was deleted, os.Executable still said %s, which no longer exists",
		envs.FakeArgv0, copied)
}

// TestFixedCodeIsSafeToCopy drives every fixed method that starts a
// process or takes over a descriptor through its error paths, one after
// the other in one child, and finds nothing left behind. The last case is
// the control: a child started and never waited for must be caught.
func TestFixedCodeIsSafeToCopy(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	defer f.Close()
	cases := envs.ErrorPathCases
	res := childproc.Run(t, envs.ErrorPaths, childproc.ExtraFiles(f), childproc.Env("LISTEN_FD="+envs.ListenFD),
		childproc.Timeout(time.Duration(len(cases))*childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Len(t, res.Events, len(cases), "one report per case: %q", res.Events)
	for i, c := range cases {
		t.Run(c, func(t *testing.T) {
			leak, ok := strings.CutPrefix(res.Events[i], c+": ")
			require.True(t, ok, "the report of this case: %q", res.Events[i])
			if c == envs.ControlCase {
				require.True(t, strings.HasPrefix(leak, "1 "), "the audit catches a child never waited for: %s", leak)
				t.Logf("the control was caught: %s", leak)
				return
			}
			require.Equal(t, "nothing left behind", leak)
			t.Logf("%s: nothing left behind", c)
		})
	}
}

// TestArgLimitIsPerString starts a program with arguments four times the
// longest single argument in all, and with one environment entry at and
// one byte over that length (envs/arg-too-long).
func TestArgLimitIsPerString(t *testing.T) {
	t.Parallel()
	res := childproc.Finish(t, envs.ArgLimits)
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	longest := envs.MaxArgLen()
	require.Equal(t, []string{
		fmt.Sprintf("%d arguments of %d bytes: ran", envs.ManyArgs, envs.ArgSize),
		fmt.Sprintf("an environment entry of %d bytes: ran", longest),
		fmt.Sprintf("an environment entry of %d bytes: error E2BIG", longest+1),
	}, res.Events)
	t.Logf("%d bytes of arguments in all started the program; one environment entry of %d bytes did not (E2BIG): "+
		"the limit is per string", envs.ManyArgs*envs.ArgSize, longest+1)
}

// TestEndOfOptions sends the --output attack at git with --end-of-options
// before it, and no check of the fixed code's (envs/leading-dash).
func TestEndOfOptions(t *testing.T) {
	t.Parallel()
	repo := proofs.GitRepo(t, envs.EndOfOptions)
	victim := filepath.Join(t.TempDir(), "config.yml")
	proofs.WriteFile(t, victim, proofs.VictimText, 0o644)
	res := childproc.Finish(t, envs.EndOfOptions, childproc.Args(repo, victim), childproc.Env(proofs.GitEnv...))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Equal(t, "git: error: exit status 128", res.LastEvent(), "git refused: %q", res.Events)
	require.Len(t, res.Events, 2)
	require.Contains(t, res.Events[0], "'"+envs.OutputOption+victim+"'", "git's message names the option it did not take")
	after, err := os.ReadFile(victim)
	require.NoError(t, err)
	require.Equal(t, proofs.VictimText, string(after), "the file is untouched")
	t.Logf("with --end-of-options before it, git refused %s...: %q, exit 128, and the file kept its content",
		envs.OutputOption, res.Events[0])
}

// TestShellParameters searches the logs through sh with the pattern as a
// positional parameter, for an ordinary pattern and for the payload that
// sh -c with concatenation runs (envs/not-a-shell).
func TestShellParameters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	proofs.WriteFile(t, filepath.Join(dir, "app.log"), envs.AppLog, 0o644)
	proofs.WriteFile(t, filepath.Join(dir, "db.log"), envs.DBLog, 0o644)
	res := childproc.Finish(t, envs.ShellParameters, childproc.Args(dir))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	require.Equal(t, []string{
		"sh ERROR: ERROR disk full",
		"sh ERROR: ERROR db down",
		"sh ERROR: ok",
		"sh " + envs.Payload + ": error: exit status 1",
	}, res.Events)
	_, err := os.Stat(filepath.Join(dir, envs.Injected))
	require.True(t, os.IsNotExist(err), "nothing ran the payload's touch: %v", err)
	t.Logf("with the pattern as $1, sh expanded *.log, grep matched the ERROR lines, and the payload %q was only a pattern "+
		"that matched nothing", envs.Payload)
}
