package envs

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
