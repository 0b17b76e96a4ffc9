package envs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"procbugs/helpers/role"
)

// Each entry's scenario: what its child process does, once with the
// broken code and once with the fixed code. Names and values the proofs
// check are exported, so that they derive their expectations from them.

// DefaultBanner is what Setting falls back to when BANNER is not given.
const DefaultBanner = "welcome to procbugs"

// GetenvEmpty reports what Getenv and LookupEnv return for BANNER, then
// the banner the code chose.
var GetenvEmpty = lesson.Pair("getenv-empty", func(c code, _ []string) int {
	v, ok := os.LookupEnv("BANNER")
	role.Emitf("Getenv=%q LookupEnv=(%q, %v)", os.Getenv("BANNER"), v, ok)
	role.Emitf("banner=%q", c.Setting("BANNER", DefaultBanner))
	return 0
})

// ShowMode prints MODE from a shell, "MODE=value" or "MODE unset", as the
// probe's env:MODE does.
const ShowMode = `if [ -n "${MODE+set}" ]; then echo "MODE=$MODE"; else echo "MODE unset"; fi`

// SetenvLeaks starts three shells that each report MODE: one before the
// setting, kept waiting on its stdin so that it looks only at the end; the
// one the setting is meant for; and one after. Last, the child reports its
// own MODE. A plain exec.Command, with a nil Env, copies the environment at
// Start, as most programs start their children.
var SetenvLeaks = lesson.Pair("setenv-leaks", func(c code, _ []string) int {
	var runningOut, targetOut bytes.Buffer
	running := exec.Command("sh", "-c", "cat >/dev/null; "+ShowMode)
	running.Stdout = &runningOut
	holdOpen, err := running.StdinPipe()
	if err == nil {
		err = running.Start()
	}
	if err != nil {
		role.Emitf("error: start the running shell: %v", err)
		return 1
	}

	target := exec.Command("sh", "-c", ShowMode)
	target.Stdout = &targetOut
	targetErr := c.StartWithSetting(target, "MODE", "debug")
	if targetErr == nil {
		targetErr = target.Wait()
	}
	later, laterErr := exec.Command("sh", "-c", ShowMode).Output()

	holdOpen.Close() // only now does the running shell look at its MODE
	runningErr := running.Wait()
	reportOutput("already running", runningOut.Bytes(), runningErr)
	reportOutput("the target", targetOut.Bytes(), targetErr)
	reportOutput("started later", later, laterErr)
	role.Emit("the starting process: " + probeLine("env:MODE"))
	return 0
})

// Greeting is the variable EnvReplaces adds for its child.
const Greeting = "GREETING=hello"

// ShellRunsLs is the script EnvReplaces gives a shell: it runs ls
// through PATH and reports the PATH it had.
const ShellRunsLs = `ls / >/dev/null && echo "ran ls with PATH=${PATH-}"`

// EnvReplaces runs a Go probe with GREETING added to its environment (and
// the variable that names its role); the probe reports GREETING, PATH and
// its home directory, then runs sh as any program would, through PATH.
// Then it runs a shell with GREETING added, which runs ls through PATH.
var EnvReplaces = lesson.Pair("env-replaces", func(c code, _ []string) int {
	cmd := role.Command(probe, "env:GREETING", "env:PATH", "home", "exec:sh")
	out, err := c.RunWithVars(cmd, roleVar(cmd), Greeting)
	reportOutput("child", out, err)
	out, err = c.RunWithVars(exec.Command("sh", "-c", ShellRunsLs), Greeting)
	reportOutput("sh", out, err)
	return 0
})

// The MODE the child of DuplicateKeys is started with, and the one its
// code overrides it with.
const (
	OldMode = "MODE=old"
	NewMode = "MODE=new"
)

// GoChild is the name under which DuplicateKeys reports the pid of the Go
// child it starts through os.StartProcess. That child waits on the
// scenario's stdin, which the parent holds, so that the parent can read the
// environment the kernel handed it before it reports MODE and exits.
const GoChild = "go child"

// DuplicateKeys overrides MODE with c.WithSetting and hands the result to
// a Go probe and to sh, once through os.StartProcess, which passes it as
// it is, and once through exec.Cmd, which dedups it; each reports the MODE
// it sees.
var DuplicateKeys = lesson.Pair("duplicate-keys", func(c code, _ []string) int {
	goChild := role.Command(probe, "wait", "env:MODE")
	key, value, _ := strings.Cut(NewMode, "=")
	env := c.WithSetting(goChild.Env, key, value)
	sh, err := exec.LookPath("sh")
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	out, err := startProcess(goChild.Path, goChild.Args, env, os.Stdin, GoChild)
	reportOutput("StartProcess, Go child", out, err)
	out, err = startProcess(sh, []string{"sh", "-c", ShowMode}, env, nil, "")
	reportOutput("StartProcess, sh child", out, err)

	goCmd := role.Command(probe, "env:MODE")
	goCmd.Env = env
	out, err = goCmd.Output()
	reportOutput("exec.Cmd, Go child", out, err)
	shCmd := exec.Command(sh, "-c", ShowMode)
	shCmd.Env = env
	out, err = shCmd.Output()
	reportOutput("exec.Cmd, sh child", out, err)
	return 0
})

// startProcess runs a program with exactly argv and env, as os.StartProcess
// and syscall.Exec do, and returns its stdout. With a name, it reports the
// program's pid under it once the program runs.
func startProcess(path string, argv, env []string, stdin *os.File, name string) ([]byte, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Env: env, Files: []*os.File{stdin, w, os.Stderr}})
	w.Close()
	if err != nil {
		return nil, err
	}
	if name != "" {
		role.EmitPID(name, p.Pid)
	}
	var out bytes.Buffer
	_, copyErr := io.Copy(&out, r)
	state, err := p.Wait()
	if err == nil && !state.Success() {
		err = errors.New(state.String())
	}
	if err != nil {
		return out.Bytes(), err
	}
	return out.Bytes(), copyErr
}

// The secret the service is given, and the part of it that must never show.
const (
	DatabaseURL = "postgres://app:hunter2@db.internal/app"
	Password    = "hunter2"
)

// Secrets is a service started with a database password in its
// environment. It logs its start to stderr, then runs a worker that
// reports whether it got DATABASE_URL too.
var Secrets = lesson.Pair("secrets", func(c code, _ []string) int {
	c.LogStartup(os.Stderr, LoadConfig())
	out, err := c.RunWorker(role.Command(probe, "env:DATABASE_URL"))
	reportOutput("worker", out, err)
	return 0
})

// The installed program of ResourcePath, its data file, and what the file
// says.
const (
	ToolName = "tool"
	MotdFile = "motd.txt"
	Motd     = "welcome from app/bin"
)

// resourceTool is the installed program. It reports its argv[0], then
// looks for its motd.txt beside itself with c.ResourcePath and prints it.
var resourceTool = lesson.Pair("resource-path/tool", func(c code, _ []string) int {
	os.Stdout.WriteString("args0: " + os.Args[0] + "\n")
	path, err := c.ResourcePath(MotdFile)
	if err == nil {
		var text []byte
		if text, err = os.ReadFile(path); err == nil {
			os.Stdout.WriteString("motd: " + string(text) + "\n")
			return 0
		}
	}
	os.Stdout.WriteString("error: " + err.Error() + "\n")
	return 1
})

// ResourcePath runs the copy of the program installed at args[0] the way
// a shell runs a program it found through PATH: argv[0] is the bare name.
// The copy runs the tool of the same half.
var ResourcePath = lesson.Pair("resource-path", func(c code, args []string) int {
	cmd := role.Command(sameHalf(c, resourceTool))
	cmd.Path, cmd.Args = args[0], []string{ToolName}
	out, err := cmd.Output()
	reportOutput("tool", out, err)
	return 0
})

// sameHalf is the role of p that runs the same file's code as c.
func sameHalf(c code, p role.Pair) role.Role {
	if _, broken := c.(Broken); broken {
		return p.Broken
	}
	return p.Fixed
}

// LocalTool is the program ErrDot finds in its working directory. It
// leaves a mark, ToolMark, so that a proof can tell it ran even when its
// output is lost.
const (
	LocalTool = "#!/bin/sh\necho ran >> ran.log\necho local tool ran\n"
	ToolMark  = "ran.log"
)

// ErrDot runs the tool that sits in the working directory.
var ErrDot = lesson.Pair("err-dot", func(c code, _ []string) int {
	out, err := c.RunLocalTool(ToolName)
	if err != nil {
		role.Emitf("error: %v", err)
		role.Emitf("errors.Is(err, exec.ErrDot) = %v", errors.Is(err, exec.ErrDot))
		return 0
	}
	role.Emitf("ran: %s", strings.TrimSpace(string(out)))
	return 0
})

// GreetingNames are the subtests ParallelSetenv runs, in parallel.
var GreetingNames = []string{"ada", "grace"}

// ParallelSetenv is a tiny test binary: testing.Main runs one test whose
// subtests check the greeting for each of GreetingNames, in parallel, with
// c.CheckGreeting. Its arguments are testing's flags (-test.v).
var ParallelSetenv = lesson.Pair("parallel-setenv", func(c code, _ []string) int {
	greeting := func(t *testing.T) {
		for _, name := range GreetingNames {
			t.Run(name, func(t *testing.T) { c.CheckGreeting(t, name) })
		}
	}
	matchAll := func(pat, str string) (bool, error) { return true, nil }
	testing.Main(matchAll, []testing.InternalTest{{Name: "TestGreeting", F: greeting}}, nil, nil)
	return 0 // not reached: testing.Main exits
})

// ListenFD is where the listening socket arrives in the child of
// InheritedFD: descriptor 3 is the harness's control pipe, so the first
// extra file is 4.
const ListenFD = "4"

// InheritedFD is the new server of a graceful restart: it takes over the
// listening socket its parent passed at LISTEN_FD, then runs a helper
// program, which reports the variable and the sockets it holds.
var InheritedFD = lesson.Pair("inherited-fd", func(c code, _ []string) int {
	ln, err := c.InheritedListener()
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	defer ln.Close()
	role.Emitf("serving on %s", ln.Addr())
	out, err := role.Command(probe, "env:LISTEN_FD", "sockets").Output()
	reportOutput("helper", out, err)
	return 0
})

// reportResult emits what a grandchild printed and how it ended: its
// error, or "ok".
func reportResult(who string, out []byte, err error) {
	reportOutput(who, out, err)
	if err == nil {
		role.Emitf("%s: ok", who)
	}
}

// errnoName names the errno behind err, for the exec failures the
// scenarios provoke: " ENOENT", or "" for none of those.
func errnoName(err error) string {
	for _, e := range []struct {
		errno syscall.Errno
		name  string
	}{{syscall.ENOENT, "ENOENT"}, {syscall.ENOEXEC, "ENOEXEC"}, {syscall.E2BIG, "E2BIG"}} {
		if errors.Is(err, e.errno) {
			return " " + e.name
		}
	}
	return ""
}

// HookOutput is what every hook of ScriptNotFound prints when it runs.
const HookOutput = "hook ran"

// MissingInterpreter is where FreeBSD and Homebrew install bash; a Linux
// system has it in /bin.
const MissingInterpreter = "/usr/local/bin/bash"

// Hooks are the scripts ScriptNotFound runs, by file name: one that works,
// then three that exist, are executable, and still cannot be executed.
var Hooks = []struct{ Name, Text string }{
	{"plain.sh", "#!/bin/sh\necho " + HookOutput + "\n"},
	{"from-bsd.sh", "#!" + MissingInterpreter + "\necho " + HookOutput + "\n"},
	{"crlf.sh", "#!/bin/sh\r\necho " + HookOutput + "\r\n"},
	{"no-shebang.sh", "echo " + HookOutput + "\n"},
}

// ScriptNotFound runs each hook script given in args with c.RunHook.
var ScriptNotFound = lesson.Pair("script-not-found", func(c code, args []string) int {
	for _, path := range args {
		out, err := c.RunHook(path)
		name := filepath.Base(path)
		if err != nil {
			role.Emitf("%s: error%s: %v", name, errnoName(err), err)
			continue
		}
		role.Emitf("%s: ran: %s", name, strings.TrimSpace(string(out)))
	}
	return 0
})

// The log files NotAShell searches, the pattern it looks for, and a
// pattern with a command in it, which would leave the file Injected.
const (
	AppLog     = "ERROR disk full\nINFO started\n"
	DBLog      = "INFO connected\nERROR db down\n"
	LogPattern = "ERROR"
	Payload    = "x; touch injected #"
	Injected   = "injected"
)

// NotAShell searches the *.log files of the directory args[0]: first as
// people write it at first, exec.Command("grep", ..., "*.log"), then with
// c.SearchLogs, for LogPattern and for the Payload.
var NotAShell = lesson.Pair("not-a-shell", func(c code, args []string) int {
	dir := args[0]
	first := exec.Command("grep", "-h", LogPattern, "*.log")
	first.Dir = dir
	out, err := first.Output()
	reportResult("exec.Command", out, err)
	out, err = c.SearchLogs(dir, LogPattern)
	reportResult("search "+LogPattern, out, err)
	out, err = c.SearchLogs(dir, Payload)
	reportResult("search payload", out, err)
	return 0
})

// The tools of EnvPathIgnored: PathTool is both in the directory on the
// process's PATH and in the tools directory, NewTool only in the latter.
const (
	PathTool      = "mytool"
	NewTool       = "newtool"
	SystemsTool   = "#!/bin/sh\necho mytool from the system directory\n"
	ToolsDirTool  = "#!/bin/sh\necho mytool from the tools directory\n"
	ToolsDirNewer = "#!/bin/sh\necho newtool from the tools directory\n"
)

// EnvPathIgnored runs PathTool and NewTool with c.RunTool from the tools
// directory args[0].
var EnvPathIgnored = lesson.Pair("env-path-ignored", func(c code, args []string) int {
	for _, name := range []string{PathTool, NewTool} {
		out, err := c.RunTool(name, args[0])
		reportOutput(name, out, err)
	}
	return 0
})

// The attack of LeadingDash: a "revision" that is an option of git diff.
const OutputOption = "--output="

// LeadingDash asks c.Diff for the diff between HEAD~1 and HEAD of the
// repository args[0], then for one whose base revision is
// --output=args[1], a file outside the repository.
var LeadingDash = lesson.Pair("leading-dash", func(c code, args []string) int {
	repo, victim := args[0], args[1]
	out, err := c.Diff(repo, "HEAD~1", "HEAD")
	reportResult("diff", out, err)
	out, err = c.Diff(repo, OutputOption+victim, "HEAD")
	reportResult("attack", out, err)
	return 0
})

// MaxArgLen is the longest string the kernel copies into a new program's
// argv or environment: MAX_ARG_STRLEN is 32 pages, the terminating NUL
// included.
func MaxArgLen() int { return 32*os.Getpagesize() - 1 }

// ArgTooLong asks the client for an answer to prompts of the sizes in
// args, with c.AskModel.
var ArgTooLong = lesson.Pair("arg-too-long", func(c code, args []string) int {
	for _, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil {
			role.Emitf("error: %v", err)
			return 2
		}
		cmd := role.Command(client)
		out, err := c.AskModel(cmd, strings.Repeat("x", n))
		who := fmt.Sprintf("prompt of %d bytes", n)
		if err != nil {
			role.Emitf("%s: error%s: %s", who, errnoName(err), strings.ReplaceAll(err.Error(), cmd.Path, "client"))
			continue
		}
		role.Emitf("%s: %s", who, strings.TrimSpace(string(out)))
	}
	return 0
})

// StalePWD runs programs in the directory args[0], away from its own
// working directory: printenv PWD, first with a nil Env (exec sets PWD
// itself), then through c.RunInDir; through c.RunInDir too, pwd -P, the
// real directory, and a shell that echoes its $PWD.
var StalePWD = lesson.Pair("stale-pwd", func(c code, args []string) int {
	dir := args[0]
	plain := exec.Command("printenv", "PWD")
	plain.Dir = dir
	out, err := plain.Output()
	reportOutput("Env nil, $PWD", out, err)
	out, err = c.RunInDir(exec.Command("printenv", "PWD"), dir, "CI=1")
	reportOutput("RunInDir, $PWD", out, err)
	out, err = c.RunInDir(exec.Command("pwd", "-P"), dir, "CI=1")
	reportOutput("RunInDir, cwd", out, err)
	out, err = c.RunInDir(exec.Command("sh", "-c", `echo "$PWD"`), dir, "CI=1")
	reportOutput("RunInDir, sh's $PWD", out, err)
	return 0
})
