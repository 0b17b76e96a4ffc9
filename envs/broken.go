package envs

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Broken holds the environment-handling code as it is often first written.
type Broken struct{}

// Setting returns the variable key, or fallback when it is not given.
//
// Getenv returns "" both for an unset variable and for one set to "", so an
// explicit empty value (BANNER= to turn the banner off) gets the default.
func (Broken) Setting(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// StartWithSetting starts cmd with key=value in its environment.
//
// os.Setenv changes this process's environment, which every child started
// from now on inherits: the setting meant for one child leaks into all the
// later ones (children already running keep the copy they started with).
func (Broken) StartWithSetting(cmd *exec.Cmd, key, value string) error {
	os.Setenv(key, value)
	return cmd.Start()
}

// RunWithVars runs cmd with the variables vars added, and returns its output.
//
// Cmd.Env replaces the environment rather than adding to it: the child gets
// vars and nothing else, no PATH, no HOME.
func (Broken) RunWithVars(cmd *exec.Cmd, vars ...string) ([]byte, error) {
	cmd.Env = vars
	return cmd.Output()
}

// WithSetting returns env with key set to value, for os.StartProcess or
// syscall.Exec.
//
// Appending leaves the old key=value in place. exec.Cmd would drop it (last
// wins), but os.StartProcess passes both to the child, and a Go child keeps
// the first: the override is silently lost.
func (Broken) WithSetting(env []string, key, value string) []string {
	return append(env, key+"="+value)
}

// LogStartup logs what the service starts with to w, its log.
//
// os.Environ() holds every secret the service was given.
func (Broken) LogStartup(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "starting with %v\n", os.Environ())
}

// RunWorker runs a helper program and returns its output.
//
// A child inherits the whole environment by default, secrets included,
// and so does every process it starts in turn.
func (Broken) RunWorker(cmd *exec.Cmd) ([]byte, error) {
	return cmd.Output()
}

// ResourcePath finds a file installed beside the executable.
//
// os.Args[0] is whatever the parent put in argv[0]: a bare name when the
// program was found through PATH, a relative path, or anything at all.
// Its directory is not where the program lives.
func (Broken) ResourcePath(name string) (string, error) {
	return filepath.Join(filepath.Dir(os.Args[0]), name), nil
}

// RunLocalTool runs the tool that sits in the working directory.
//
// It relies on "." in PATH. Since Go 1.19 exec refuses a program that a
// relative PATH entry found, with exec.ErrDot, and the tool never runs.
func (Broken) RunLocalTool(name string) ([]byte, error) {
	return exec.Command(name).Output()
}

// CheckGreeting is a test of code that reads its configuration from the
// environment.
//
// It must set the variable for the whole process, and t.Setenv refuses to
// do that in a parallel test: it panics.
func (Broken) CheckGreeting(t *testing.T, name string) {
	t.Parallel()
	t.Setenv("GREET_NAME", name)
	if got, want := LoadConfig().Greeting(), "hello, "+name; got != want {
		t.Errorf("Greeting() = %q, want %q", got, want)
	}
}

// InheritedListener takes over the listening socket that the parent passed
// down, at the descriptor named by LISTEN_FD.
//
// Both the variable and the descriptor stay behind: every child this
// process starts inherits LISTEN_FD and, since an inherited descriptor is
// not close-on-exec, the socket itself, and may take it for its own.
func (Broken) InheritedListener() (net.Listener, error) {
	fd, err := strconv.Atoi(os.Getenv("LISTEN_FD"))
	if err != nil {
		return nil, fmt.Errorf("LISTEN_FD: %w", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	return net.FileListener(f)
}

// RunHook runs the hook script at path and returns its output.
//
// When exec fails, the kernel's error names the script, not what is
// missing: a #! interpreter that is not there, or "/bin/sh\r" from a file
// saved with CRLF line ends, gives "no such file or directory" for a script
// that exists; a script with no #! line gives "exec format error". A shell
// would run that one with sh; os/exec does not.
func (Broken) RunHook(path string) ([]byte, error) {
	return exec.Command(path).Output()
}

// SearchLogs returns the lines of dir's *.log files that match pattern.
//
// exec.Command("grep", pattern, "*.log") finds nothing: no shell runs, so
// grep is handed a file named "*.log" (and "|" would be an argument too).
// Handing the line to sh expands the "*", and runs whatever else the
// pattern says: a pattern is data, pasted here into a program.
func (Broken) SearchLogs(dir, pattern string) ([]byte, error) {
	cmd := exec.Command("sh", "-c", "grep -h "+pattern+" *.log")
	cmd.Dir = dir
	return cmd.Output()
}

// RunTool runs the tool name from toolsDir, which comes first in the
// PATH the tool is given.
//
// exec.Command looks name up at once, in this process's PATH: the PATH in
// cmd.Env is the child's, and plays no part in the lookup. Another tool of
// the same name runs, or none is found.
func (Broken) RunTool(name, toolsDir string) ([]byte, error) {
	path := toolsDir + string(os.PathListSeparator) + os.Getenv("PATH")
	cmd := exec.Command(name)
	cmd.Env = append(cmd.Environ(), "PATH="+path)
	return cmd.Output()
}

// Diff returns the diff between revisions base and head of the git
// repository repo; the revisions come from the user.
//
// A revision that starts with "-" is an option to git: base
// "--output=/some/file" makes git write the diff over that file.
func (Broken) Diff(repo, base, head string) ([]byte, error) {
	return exec.Command("git", "-C", repo, "diff", base, head).Output()
}

// AskModel runs cmd, a command-line client, with the prompt, and returns
// its answer.
//
// The kernel refuses any one argument (or environment entry) longer than
// 32 pages, 128 KiB with 4 KiB pages, whatever the total: a large prompt
// fails with "argument list too long" before the program runs.
func (Broken) AskModel(cmd *exec.Cmd, prompt string) ([]byte, error) {
	cmd.Args = append(cmd.Args, "-p", prompt)
	return cmd.Output()
}

// RunInDir runs cmd in dir, with vars added to its environment.
//
// os.Environ() holds this process's PWD. The child runs in dir but its
// $PWD names the parent's directory, and a program that trusts $PWD (make's
// $(PWD), a script) works in the wrong place.
func (Broken) RunInDir(cmd *exec.Cmd, dir string, vars ...string) ([]byte, error) {
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), vars...)
	return cmd.Output()
}
