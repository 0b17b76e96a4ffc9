package envs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"procbugs/helpers/role"
)

// Roles for the source texts' claims about the environment, argv[0] and
// LookPath that no entry covers. Each runs the claim in a child process;
// claims_test.go watches it.

// Rounds is how many times each goroutine of EnvRace touches the
// environment: enough for the two to overlap many times over.
const Rounds = 1000

// EnvRace (C096, C097) has one goroutine set a variable while another
// reads it and the whole environment. The environment has its own lock
// ($GOROOT/src/syscall/env_unix.go, envLock), so the race detector finds
// nothing to report, whatever the interleaving. Its child is built with
// -race: the race detector's report is the lesson.
var EnvRace = lesson.Role("race/setenv-getenv", func([]string) int {
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range Rounds {
			os.Setenv("RELOADED", strconv.Itoa(i))
		}
	})
	wg.Go(func() {
		for range Rounds {
			_ = os.Getenv("RELOADED")
			_ = os.Environ()
		}
	})
	wg.Wait()
	role.Emit("setenv and getenv done")
	return 0
}, role.NeedsRace)

// current is configuration shared the way code shares it once it stops
// calling Getenv: a package variable, with no lock.
var current Config

// reloadConfig and readConfig are the two sides of ConfigRace, named so
// that the race report names them.
func reloadConfig() { current = Config{Name: "reloaded"} }
func readConfig()   { _ = current.Name }

// ConfigRace (C096, C097) has one goroutine replace a shared Config while
// another reads it. Nothing orders the two: the race detector judges by
// happens-before, not by timing, so it reports the pair whichever runs
// first.
var ConfigRace = lesson.Role("race/shared-config", func([]string) int {
	var wg sync.WaitGroup
	wg.Go(reloadConfig)
	wg.Go(readConfig)
	wg.Wait()
	role.Emit("write and read done")
	return 0
}, role.NeedsRace)

// LibcEnv (C098) shows the two environments of a cgo program. os.Setenv
// writes Go's copy and, through the runtime's _cgo_setenv hook, C's
// environ too ($GOROOT/src/runtime/env_posix.go, setenv_c), where C code
// reads it without Go's lock. C's setenv writes environ alone, and Go
// never sees it. Its child is built with cgo.
var LibcEnv = lesson.Role("libc-env", func([]string) int {
	if !haveLibc {
		role.Emit("error: this program has no C environment: it was built without cgo or without the cgochild tag")
		return 1
	}
	os.Setenv("SET_BY_GO", "go")
	v, ok := libcGetenv("SET_BY_GO")
	role.Emitf("C getenv(SET_BY_GO) = (%q, %v)", v, ok)
	libcSetenv("SET_BY_C", "c")
	w, ok := os.LookupEnv("SET_BY_C")
	role.Emitf("os.LookupEnv(SET_BY_C) = (%q, %v)", w, ok)
	return 0
}, role.NeedsCgo)

// LookupTool is the name the LookPath roles look for: one no system has.
const LookupTool = "procbugs-tool"

// LookPath (C101, C102) reports what exec.LookPath makes of LookupTool
// with the PATH the child was given: the path, whether the error is
// ErrDot, and the name the *exec.Error carries.
var LookPath = lesson.Role("lookpath", func([]string) int {
	path, err := exec.LookPath(LookupTool)
	var execErr *exec.Error
	name := ""
	if errors.As(err, &execErr) {
		name = execErr.Name
	}
	role.Emitf("path=%q ErrDot=%v Error.Name=%q", path, errors.Is(err, exec.ErrDot), name)
	return 0
})

// ClearErrDot (C103) runs LookupTool the way exec's documentation shows
// for a program that is trusted after all: clear cmd.Err and run it.
var ClearErrDot = lesson.Role("lookpath/clear-err", func([]string) int {
	cmd := exec.Command(LookupTool)
	role.Emitf("cmd.Err: %v", cmd.Err)
	if errors.Is(cmd.Err, exec.ErrDot) {
		cmd.Err = nil
	}
	out, err := cmd.Output()
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	role.Emitf("ran %s: %s", cmd.Path, strings.TrimSpace(string(out)))
	return 0
})

// SecretFormats (entry secrets) prints a Config holding a Secret in every
// way code prints values: each fmt verb, String and GoString, JSON; and a
// struct that holds a Secret in an unexported field, which fmt cannot ask
// to hide itself.
var SecretFormats = lesson.Role("secret-formats", func([]string) int {
	cfg := Config{Name: "svc", DatabaseURL: Secret(DatabaseURL)}
	s := cfg.DatabaseURL
	hidden := struct{ url Secret }{s}
	cfgJSON, err1 := json.Marshal(cfg)
	secretJSON, err2 := json.Marshal(s)
	if err1 != nil || err2 != nil {
		fmt.Println("json:", err1, err2)
		return 1
	}
	fmt.Printf("%%v: %v\n", cfg)
	fmt.Printf("%%+v: %+v\n", cfg)
	fmt.Printf("%%#v: %#v\n", cfg)
	fmt.Printf("%%s: %s\n", cfg)
	fmt.Printf("%%q: %q\n", cfg)
	fmt.Printf("%%x: %x\n", s)
	fmt.Printf("Secret %%v: %v\n", s)
	fmt.Printf("Secret %%#v: %#v\n", s)
	fmt.Printf("Secret %%q: %q\n", s)
	fmt.Printf("String(): %s\n", s.String())
	fmt.Printf("GoString(): %s\n", s.GoString())
	fmt.Printf("json Config: %s\n", cfgJSON)
	fmt.Printf("json Secret: %s\n", secretJSON)
	fmt.Printf("Println: %s", fmt.Sprintln(cfg))
	fmt.Printf("unexported field %%v: %v\n", hidden)
	return 0
})

// FakeArgv0 is the argv[0] ExecutableDeleted gives the program it runs: a
// parent may put anything there.
const FakeArgv0 = "/usr/bin/totally-legit-name"

// ExecutableDeleted (C099, C100) runs the copy of the program at args[0]
// under a made-up argv[0], deletes that copy while it runs, and then lets
// it report its argv[0] and what os.Executable says. args[0] is a copy made
// for the purpose, never the program the harness built.
var ExecutableDeleted = lesson.Role("executable-deleted", func(args []string) int {
	var out strings.Builder
	cmd := role.Command(probe, "wait", "args0", "exe")
	cmd.Path, cmd.Args[0] = args[0], FakeArgv0
	cmd.Stdout = &out
	hold, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		role.Emitf("error: %v", err)
		return 1
	}
	if err := os.Remove(args[0]); err != nil {
		role.Emitf("error: %v", err)
	}
	hold.Close()     // the program runs on from a file that has no name now
	err = cmd.Wait() // before out is read: Wait ends the copy into it
	reportOutput("program", []byte(out.String()), err)
	return 0
})

// ErrorPaths runs every case of ErrorPathCases, in order, each under
// role.Audit, and reports what each left behind in this process as
// "case: leak": the fixed methods that start a process or take over a
// descriptor, each driven through a failure (or, where the method hands on
// what it made, through the caller's part), and last a control that the
// audit must catch. For the InheritedListener cases the parent passes a
// listening socket as descriptor ListenFD, named by LISTEN_FD.
var ErrorPaths = lesson.Role("error-paths", func([]string) int {
	for _, c := range errorPaths {
		role.Emitf("%s: %v", c.name, role.Audit(c.call))
	}
	if forgotten != nil {
		forgotten.Wait() // the control's child, reaped once the audit has looked
	}
	return 0
})

// ControlCase is the case of ErrorPaths the audit must catch: code that
// starts a child and never waits for it.
const ControlCase = "control: StartWithSetting without Wait"

// ErrorPathCases names the cases of ErrorPaths, the control last.
var ErrorPathCases = func() []string {
	var names []string
	for _, c := range errorPaths {
		names = append(names, c.name)
	}
	return names
}()

// audited is the code whose error paths ErrorPaths audits.
var audited Fixed

var errorPaths = []struct {
	name string
	call func()
}{
	{"StartWithSetting with the program missing", func() { audited.StartWithSetting(missing(), "MODE", "x") }},
	{"StartWithSetting then the caller waits", func() {
		cmd := role.Command(failer)
		if audited.StartWithSetting(cmd, "MODE", "x") == nil {
			cmd.Wait()
		}
	}},
	{"RunWithVars with the program missing", func() { audited.RunWithVars(missing(), "MODE=x") }},
	{"RunWithVars with a child that fails", func() { audited.RunWithVars(role.Command(failer), "MODE=x") }},
	{"RunWorker with the program missing", func() { audited.RunWorker(missing()) }},
	{"RunWorker with a child that fails", func() { audited.RunWorker(role.Command(failer)) }},
	{"RunLocalTool with no such tool", func() { audited.RunLocalTool("procbugs-no-such-tool") }},
	{"RunLocalTool with a tool that fails", func() {
		inTempDir(map[string]string{ToolName: failingScript}, func(dir string) {
			inDir(dir, func() { audited.RunLocalTool(ToolName) })
		})
	}},
	{"InheritedListener then the caller closes it", func() {
		if ln, err := audited.InheritedListener(); err == nil {
			ln.Close()
		}
	}},
	{"InheritedListener with LISTEN_FD unset", func() {
		os.Unsetenv("LISTEN_FD")
		audited.InheritedListener()
	}},
	{"InheritedListener with LISTEN_FD naming no open descriptor", func() {
		os.Setenv("LISTEN_FD", "1000")
		audited.InheritedListener()
	}},
	{"RunHook with no such script", func() { audited.RunHook("/nonexistent/hook.sh") }},
	{"RunHook with the interpreter missing", func() { runHook(Hooks[1].Text) }},
	{"RunHook with CRLF line ends", func() { runHook(Hooks[2].Text) }},
	{"RunHook with no #! line and a script that fails", func() { runHook("exit 3\n") }},
	{"RunHook with a script that fails", func() { runHook(failingScript) }},
	{"SearchLogs with no log files", func() {
		inTempDir(nil, func(dir string) { audited.SearchLogs(dir, LogPattern) })
	}},
	{"SearchLogs with no match", func() {
		inTempDir(map[string]string{"app.log": AppLog}, func(dir string) { audited.SearchLogs(dir, Payload) })
	}},
	{"RunTool with no such tool", func() { audited.RunTool("procbugs-no-such-tool", "/nonexistent") }},
	{"RunTool with a tool that fails", func() {
		inTempDir(map[string]string{PathTool: failingScript}, func(dir string) { audited.RunTool(PathTool, dir) })
	}},
	{"Diff with a revision that starts with a dash", func() { audited.Diff(os.TempDir(), OutputOption+"/dev/null", "HEAD") }},
	{"Diff outside a repository", func() {
		inTempDir(nil, func(dir string) { audited.Diff(dir, "HEAD~1", "HEAD") })
	}},
	{"AskModel with the program missing", func() { audited.AskModel(missing(), strings.Repeat("x", 1<<20)) }},
	{"AskModel with a client that fails before it reads", func() {
		audited.AskModel(role.Command(failer), strings.Repeat("x", 1<<20))
	}},
	{"RunInDir with no such directory", func() { audited.RunInDir(role.Command(quitter), "/nonexistent/dir") }},
	{"RunInDir with a child that fails", func() { audited.RunInDir(role.Command(failer), os.TempDir(), "CI=1") }},
	{ControlCase, func() {
		forgotten = role.Command(quitter)
		audited.StartWithSetting(forgotten, "MODE", "x")
	}},
}

// forgotten is the child the control starts and does not wait for.
var forgotten *exec.Cmd

// missing is a command whose program does not exist.
func missing() *exec.Cmd { return exec.Command("/nonexistent/program") }

// failingScript is a script that runs and fails.
const failingScript = "#!/bin/sh\nexit 3\n"

// inTempDir calls f with a new directory that holds files, by name, each
// executable, and removes the directory afterwards.
func inTempDir(files map[string]string, f func(dir string)) {
	dir, err := os.MkdirTemp("", "procbugs-envs-")
	if err != nil {
		role.Emitf("error: %v", err)
		return
	}
	defer os.RemoveAll(dir)
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o755); err != nil {
			role.Emitf("error: %v", err)
			return
		}
	}
	f(dir)
}

// runHook runs a hook script that says text with audited.RunHook.
func runHook(text string) {
	inTempDir(map[string]string{"hook.sh": text}, func(dir string) { audited.RunHook(filepath.Join(dir, "hook.sh")) })
}

// inDir calls f with dir as the working directory.
func inDir(dir string, f func()) {
	back, err := os.Getwd()
	if err != nil || os.Chdir(dir) != nil {
		return
	}
	defer os.Chdir(back)
	f()
}
