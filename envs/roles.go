package envs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"procbugs/helpers/role"
)

// code is what broken.go and fixed.go both provide; the compiler keeps the
// two files in step.
type code interface {
	Setting(key, fallback string) string
	StartWithSetting(cmd *exec.Cmd, key, value string) error
	RunWithVars(cmd *exec.Cmd, vars ...string) ([]byte, error)
	WithSetting(env []string, key, value string) []string
	LogStartup(w io.Writer, cfg Config)
	RunWorker(cmd *exec.Cmd) ([]byte, error)
	ResourcePath(name string) (string, error)
	RunLocalTool(name string) ([]byte, error)
	CheckGreeting(t *testing.T, name string)
	InheritedListener() (net.Listener, error)
	RunHook(path string) ([]byte, error)
	SearchLogs(dir, pattern string) ([]byte, error)
	RunTool(name, toolsDir string) ([]byte, error)
	Diff(repo, base, head string) ([]byte, error)
	AskModel(cmd *exec.Cmd, prompt string) ([]byte, error)
	RunInDir(cmd *exec.Cmd, dir string, vars ...string) ([]byte, error)
}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// The programs the code under study starts: its grandchildren.

// probe reports what it sees, one line on stdout per argument, in order:
//
//	env:KEY    "KEY=value", or "KEY unset"
//	exec:NAME  "exec NAME: ok", or "exec NAME: <error>", after running NAME
//	home       "home: <dir>", or "home: <error>", from os.UserHomeDir
//	args0      "args0: <os.Args[0]>"
//	exe        "exe: <os.Executable()> exists=<whether that path exists now>"
//	sockets    "sockets: [4=socket:[1234]]": its descriptors that are sockets
//	wait       nothing: it blocks until its stdin reaches EOF
var probe = lesson.Role("probe", func(args []string) int {
	for _, a := range args {
		if line := probeLine(a); line != "" {
			fmt.Println(line)
		}
	}
	return 0
})

func probeLine(action string) string {
	verb, arg, _ := strings.Cut(action, ":")
	switch verb {
	case "env":
		if v, ok := os.LookupEnv(arg); ok {
			return arg + "=" + v
		}
		return arg + " unset"
	case "exec":
		if err := exec.Command(arg).Run(); err != nil {
			return fmt.Sprintf("exec %s: %v", arg, err)
		}
		return "exec " + arg + ": ok"
	case "home":
		home, err := os.UserHomeDir()
		if err != nil {
			return "home: " + err.Error()
		}
		return "home: " + home
	case "args0":
		return "args0: " + os.Args[0]
	case "exe":
		exe, err := os.Executable()
		if err != nil {
			return "exe: " + err.Error()
		}
		_, statErr := os.Stat(exe)
		return fmt.Sprintf("exe: %s exists=%v", exe, statErr == nil)
	case "sockets":
		return fmt.Sprintf("sockets: %v", openSockets())
	case "wait":
		io.Copy(io.Discard, os.Stdin)
		return ""
	}
	return "unknown action " + action
}

// failer fails as a helper program does: a message on stderr, exit 1.
var failer = lesson.Role("failer", func([]string) int {
	fmt.Fprintln(os.Stderr, "failer: giving up")
	return 1
})

// client is a command-line client in the manner of an LLM's: "-p TEXT"
// gives it the prompt, "-p -" says to read the prompt from stdin. It
// prints how many bytes of prompt it got, and from where.
var client = lesson.Role("client", func(args []string) int {
	if len(args) != 2 || args[0] != "-p" {
		fmt.Fprintln(os.Stderr, "usage: client -p PROMPT | -p -")
		return 2
	}
	if args[1] != "-" {
		fmt.Printf("read %d bytes from argv\n", len(args[1]))
		return 0
	}
	n, err := io.Copy(io.Discard, os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	fmt.Printf("read %d bytes from stdin\n", n)
	return 0
})

// quitter exits at once, successfully.
var quitter = lesson.Role("quitter", func([]string) int { return 0 })

// emitLines sends each line of a grandchild's output to the parent as an
// event, prefixed with who wrote it.
func emitLines(who string, out []byte) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		role.Emitf("%s: %s", who, sc.Text())
	}
}

// reportOutput emits what a grandchild printed and, if it failed, why.
func reportOutput(who string, out []byte, err error) {
	emitLines(who, out)
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			emitLines(who, exitErr.Stderr)
		}
		role.Emitf("%s: error: %v", who, err)
	}
}

// roleVar is the variable by which role.Command makes a program run its
// role. A scenario that replaces a command's environment on purpose keeps
// it, or the grandchild would not know what to do.
func roleVar(cmd *exec.Cmd) string {
	for _, kv := range cmd.Env {
		if strings.HasPrefix(kv, role.Env+"=") {
			return kv
		}
	}
	panic("envs: role.Command gave no " + role.Env)
}
