package envs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Fixed holds the same code with each bug mended.
type Fixed struct{}

// Setting returns the variable key, or fallback when it is not given.
//
// LookupEnv's ok is false only when the variable is unset, so an explicit
// empty value is kept.
func (Fixed) Setting(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

// StartWithSetting starts cmd with key=value in its environment.
//
// Cmd.Env is that one child's environment. cmd.Environ() is what it would
// have inherited, so appending to it adds the setting and changes nothing
// in this process.
func (Fixed) StartWithSetting(cmd *exec.Cmd, key, value string) error {
	cmd.Env = append(cmd.Environ(), key+"="+value)
	return cmd.Start()
}

// RunWithVars runs cmd with the variables vars added, and returns its output.
//
// Appending to cmd.Environ() (os.Environ() when cmd.Env is nil) keeps what
// the child would have inherited; exec dedups the result, last value wins
// ($GOROOT/src/os/exec/exec.go, dedupEnv).
func (Fixed) RunWithVars(cmd *exec.Cmd, vars ...string) ([]byte, error) {
	cmd.Env = append(cmd.Environ(), vars...)
	return cmd.Output()
}

// WithSetting returns env with key set to value, for os.StartProcess or
// syscall.Exec.
//
// Removing every old key=value first leaves one entry, which every reader
// agrees on: a Go child keeps the first of duplicates
// ($GOROOT/src/syscall/env_unix.go, copyenv), a shell the last.
func (Fixed) WithSetting(env []string, key, value string) []string {
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, key+"=")
	})
	return append(env, key+"="+value)
}

// LogStartup logs what the service starts with to w, its log.
//
// It logs the parsed Config, whose DatabaseURL is a Secret that prints as
// <redacted> under every verb and in JSON.
func (Fixed) LogStartup(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "starting with %+v\n", cfg)
}

// RunWorker runs a helper program and returns its output.
//
// It gives the child its inherited environment less the secrets.
func (Fixed) RunWorker(cmd *exec.Cmd) ([]byte, error) {
	cmd.Env = withoutSecrets(cmd.Environ())
	return cmd.Output()
}

// ResourcePath finds a file installed beside the executable.
//
// os.Executable asks the OS where the running binary is (on Linux it reads
// /proc/self/exe), whatever argv[0] says.
func (Fixed) ResourcePath(name string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(exe), name), nil
}

// RunLocalTool runs the tool that sits in the working directory.
//
// A name with a path separator is not looked up in PATH: "./tool" says
// "the one here" on purpose. (filepath.Join(".", name) would not do: it
// cleans the "./" away and leaves a bare name.)
func (Fixed) RunLocalTool(name string) ([]byte, error) {
	return exec.Command("./" + name).Output()
}

// CheckGreeting is a test of code that reads its configuration from the
// environment.
//
// The code under test takes a Config, read from the environment once in
// main, so the test builds one and touches no process-wide state.
func (Fixed) CheckGreeting(t *testing.T, name string) {
	t.Parallel()
	cfg := Config{Name: name}
	if got, want := cfg.Greeting(), "hello, "+name; got != want {
		t.Errorf("Greeting() = %q, want %q", got, want)
	}
}

// InheritedListener takes over the listening socket that the parent passed
// down, at the descriptor named by LISTEN_FD.
//
// net.FileListener works on its own close-on-exec copy of the descriptor
// ($GOROOT/src/net/file_unix.go, dupFileSocket), so closing the inherited one
// keeps the socket from children; unsetting LISTEN_FD keeps them from
// believing they were handed one (systemd's sd_listen_fds does both).
func (Fixed) InheritedListener() (net.Listener, error) {
	fd, err := strconv.Atoi(os.Getenv("LISTEN_FD"))
	if err != nil {
		return nil, fmt.Errorf("LISTEN_FD: %w", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close()
	os.Unsetenv("LISTEN_FD")
	return net.FileListener(f)
}

// RunHook runs the hook script at path and returns its output.
//
// It reads the #! line first, so that a failure names what is missing:
// the interpreter, or the "\r" of CRLF line ends. A file that the kernel
// refuses as no format it knows (ENOEXEC: a script with no #! line) runs
// with sh, as execvp and shells run it; os/exec has no such fallback.
func (Fixed) RunHook(path string) ([]byte, error) {
	if err := checkInterpreter(path); err != nil {
		return nil, err
	}
	out, err := exec.Command(path).Output()
	if errors.Is(err, syscall.ENOEXEC) {
		return exec.Command("/bin/sh", path).Output()
	}
	return out, err
}

// checkInterpreter reads the #! line of the script at path, if it has
// one, and says why the kernel could not start the interpreter it names.
func checkInterpreter(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 256)).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	rest, ok := strings.CutPrefix(line, "#!")
	if !ok {
		return nil
	}
	if strings.HasSuffix(rest, "\r\n") {
		return fmt.Errorf("%s: its #! line ends in \\r: the file has CRLF line ends", path)
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return fmt.Errorf("%s: its #! line names no interpreter", path)
	}
	if _, err := os.Stat(fields[0]); err != nil {
		return fmt.Errorf("%s: interpreter %s: %w", path, fields[0], errors.Unwrap(err))
	}
	return nil
}

// SearchLogs returns the lines of dir's *.log files that match pattern.
//
// filepath.Glob expands the "*" in Go, and grep gets the pattern as one
// argument after -e, and the files after "--": no shell, so nothing in
// the pattern can run. With no files, grep is not run: it would read its
// stdin. (Where a shell is needed, pass data as its positional parameters:
// sh -c 'grep -e "$1" -- *.log' sh "$pattern".)
func (Fixed) SearchLogs(dir, pattern string) ([]byte, error) {
	logs, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return nil, err
	}
	if len(logs) == 0 {
		return nil, nil
	}
	args := append([]string{"-h", "-e", pattern, "--"}, logs...)
	return exec.Command("grep", args...).Output()
}

// RunTool runs the tool name from toolsDir, which comes first in the
// PATH the tool is given.
//
// It looks name up in that PATH itself and runs the path it found:
// exec.LookPath reads only this process's PATH.
func (Fixed) RunTool(name, toolsDir string) ([]byte, error) {
	path := toolsDir + string(os.PathListSeparator) + os.Getenv("PATH")
	prog, err := lookPathIn(name, path)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(prog)
	cmd.Env = append(cmd.Environ(), "PATH="+path)
	return cmd.Output()
}

// lookPathIn finds the executable name in the directories of path, as
// exec.LookPath does in $PATH. Relative directories are skipped: exec
// refuses what they find (exec.ErrDot).
func lookPathIn(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if !filepath.IsAbs(dir) {
			continue
		}
		prog := filepath.Join(dir, name)
		if fi, err := os.Stat(prog); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return prog, nil
		}
	}
	return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
}

// Diff returns the diff between revisions base and head of the git
// repository repo; the revisions come from the user.
//
// A revision may not start with "-", and --end-of-options tells git that
// every argument after it is an operand, never an option. Either alone
// leaves a gap: some git commands (rev-parse) ignore --end-of-options, and
// a check is easily forgotten at the next call.
func (Fixed) Diff(repo, base, head string) ([]byte, error) {
	for _, rev := range []string{base, head} {
		if strings.HasPrefix(rev, "-") {
			return nil, fmt.Errorf("diff: revision %q starts with \"-\"", rev)
		}
	}
	return exec.Command("git", "-C", repo, "diff", "--end-of-options", base, head).Output()
}

// AskModel runs cmd, a command-line client, with the prompt, and returns
// its answer.
//
// The prompt goes through stdin ("-p -"), which has no size limit; only
// small, fixed arguments go in argv.
func (Fixed) AskModel(cmd *exec.Cmd, prompt string) ([]byte, error) {
	cmd.Args = append(cmd.Args, "-p", "-")
	cmd.Stdin = strings.NewReader(prompt)
	return cmd.Output()
}

// RunInDir runs cmd in dir, with vars added to its environment.
//
// cmd.Environ(), called once Dir is set, is the inherited environment with
// PWD set to dir ($GOROOT/src/os/exec/exec.go, environ: only when Env is
// still nil, and only since Go 1.19).
func (Fixed) RunInDir(cmd *exec.Cmd, dir string, vars ...string) ([]byte, error) {
	cmd.Dir = dir
	cmd.Env = append(cmd.Environ(), vars...)
	return cmd.Output()
}
