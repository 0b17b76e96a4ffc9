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

	"procbugs/helpers/childproc"
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
}

var (
	_ code = Broken{}
	_ code = Fixed{}
)

// pair registers the broken and the fixed role of one entry: the same
// scenario, run once with each file's code.
func pair(id string, scenario func(c code) int) (broken, fixed childproc.Role) {
	broken = childproc.Register(id+"/broken", func([]string) int { return scenario(Broken{}) })
	fixed = childproc.Register(id+"/fixed", func([]string) int { return scenario(Fixed{}) })
	return broken, fixed
}

// probe is the grandchild that reports what it sees, one line on stdout
// per argument, in order:
//
//	env:KEY    "KEY=value", or "KEY unset"
//	raw:KEY    "raw KEY: [KEY=a KEY=b]", every KEY= entry the kernel handed
//	           over (/proc/self/environ, Linux), duplicates included
//	exec:NAME  "exec NAME: ok", or "exec NAME: <error>", after running NAME
//	home       "home: <dir>", or "home: <error>", from os.UserHomeDir
//	args0      "args0: <os.Args[0]>"
//	exe        "exe: <os.Executable()> exists=<whether that path exists now>"
//	sockets    "sockets at fds [4]": the descriptors that are sockets
//	wait       nothing: it blocks until its stdin reaches EOF
var probe = childproc.Register("envs/probe", func(args []string) int {
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
	case "raw":
		block, err := os.ReadFile("/proc/self/environ")
		if err != nil {
			return "raw " + arg + ": " + err.Error()
		}
		var found []string
		for _, kv := range strings.Split(string(block), "\x00") {
			if strings.HasPrefix(kv, arg+"=") {
				found = append(found, kv)
			}
		}
		return fmt.Sprintf("raw %s: %v", arg, found)
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
		return fmt.Sprintf("sockets at fds %v", openSockets())
	case "wait":
		io.Copy(io.Discard, os.Stdin)
		return ""
	}
	return "unknown action " + action
}

// emitLines sends each line of a grandchild's output to the parent as an
// event, prefixed with who wrote it.
func emitLines(who string, out []byte) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		childproc.Emitf("%s: %s", who, sc.Text())
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
		childproc.Emitf("%s: error: %v", who, err)
	}
}

// harnessVars are the variables that a child whose environment a scenario
// replaces on purpose must still get: the one by which childproc.Command
// makes it run its role (the last entry of that command's Env), and
// GORACE, without which a -race child sleeps a second before it exits.
func harnessVars(cmd *exec.Cmd) []string {
	role := cmd.Env[len(cmd.Env)-1]
	if !strings.HasPrefix(role, "PROCBUGS_ROLE=") {
		panic("envs: childproc.Command no longer ends Env with the role: " + role)
	}
	vars := []string{role}
	if v, ok := os.LookupEnv("GORACE"); ok {
		vars = append(vars, "GORACE="+v)
	}
	return vars
}
