package proofs

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// ScriptNotFound is a script that exists and "is not found".
var ScriptNotFound = catalog.Entry{
	ID:    "envs/script-not-found",
	Title: "A script that exists is \"not found\": its interpreter is missing, or no #! line gives \"exec format error\"",
	Symptom: "exec.Command(\"./hook.sh\") fails with `fork/exec ./hook.sh: no such file or directory`, though ls shows the " +
		"file, executable; or with `exec format error`. The same script runs from a shell.",
	Cause: "execve reads the #! line and runs the interpreter it names; if that is missing (bash at /usr/local/bin, " +
		"or \"/bin/sh\\r\" in a file saved with CRLF line ends), it fails with ENOENT, which Go reports against the script. " +
		"A file with no #! line is no format the kernel knows: ENOEXEC. A shell, and libc's execvp, then run it with sh; " +
		"os/exec does not ($GOROOT/src/syscall/exec_unix.go, forkExec: the errno is returned as it is).",
	Fix: "Read the #! line before running: report a missing interpreter or a CRLF line by name, and run a script with " +
		"no #! line with /bin/sh explicitly. Keep scripts in LF (.gitattributes: *.sh text eol=lf).",
	Refs: []string{"TritonDataCenter/containerpilot#293", "mvdan/sh#1065", "almir/docker-webhook#3",
		"TOomaAh/emby_exporter_go#7", "ovh/cds#2483", "golang/go#13394"},
	Func: "RunHook",
	Test: "TestScriptNotFound",
	Quiz: catalog.Quiz{
		Scenario: "the child runs three executable hook scripts: one names a missing interpreter, one has CRLF line ends, one no #! line",
		AskFixed: true,
		Wrong:    "the missing interpreter and the CRLF line are named, and the script with no #! line fails with exec format error",
	},
	Roles: envs.ScriptNotFound,
	Broken: catalog.Half{
		Says:  "three scripts that exist fail with ENOENT, ENOENT and ENOEXEC, each error naming the script",
		Prove: proveScriptsNotFound,
	},
	Fixed: catalog.Half{
		Says:  "the missing interpreter and the CRLF line are named, and the script with no #! line runs with sh",
		Prove: proveScriptsDiagnosed,
	},
	Diagram: `sequenceDiagram
    participant C as child
    participant K as kernel
    C->>K: execve("crlf.sh")
    K->>K: its interpreter "/bin/sh\r" is no file
    K-->>C: ENOENT, reported against crlf.sh
    C->>K: execve("no-shebang.sh")
    K-->>C: ENOEXEC: exec format error
    Note over C: fixed: read the interpreter line first`,
}

// runHooks writes the hooks into a new directory, checks that each is
// there and executable, and has the role run them. It returns the
// directory and the events.
func runHooks(t childproc.T, r role.Role) (dir string, seen []string) {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		childproc.SkipWith(t, "needs sh to run the hooks", r)
	}
	if _, err := os.Stat(envs.MissingInterpreter); err == nil {
		childproc.SkipWith(t, envs.MissingInterpreter+" exists here: the missing interpreter would be found", r)
	}
	dir = childproc.TempDir(t)
	var paths []string
	for _, h := range envs.Hooks {
		path := filepath.Join(dir, h.Name)
		WriteFile(t, path, h.Text, 0o755)
		fi, err := os.Stat(path)
		require.NoError(t, err, "the hook exists")
		require.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "and is executable")
		paths = append(paths, path)
	}
	res := childproc.Finish(t, r, childproc.Args(paths...))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return dir, res.Events
}

var hookRan = "ran: " + envs.HookOutput

func proveScriptsNotFound(t childproc.T, r role.Role) {
	dir, seen := runHooks(t, r)
	forkExec := func(name string) string { return "fork/exec " + filepath.Join(dir, name) + ": " }
	require.Equal(t, []string{
		"plain.sh: " + hookRan,
		"from-bsd.sh: error ENOENT: " + forkExec("from-bsd.sh") + "no such file or directory",
		"crlf.sh: error ENOENT: " + forkExec("crlf.sh") + "no such file or directory",
		"no-shebang.sh: error ENOEXEC: " + forkExec("no-shebang.sh") + "exec format error",
	}, seen)
	t.Logf("three hooks that exist and are executable: %q, %q, %q", seen[1], seen[2], seen[3])
}

func proveScriptsDiagnosed(t childproc.T, r role.Role) {
	dir, seen := runHooks(t, r)
	require.Equal(t, []string{
		"plain.sh: " + hookRan,
		"from-bsd.sh: error ENOENT: " + filepath.Join(dir, "from-bsd.sh") + ": interpreter " + envs.MissingInterpreter +
			": no such file or directory",
		"crlf.sh: error: " + filepath.Join(dir, "crlf.sh") + `: its #! line ends in \r: the file has CRLF line ends`,
		"no-shebang.sh: " + hookRan,
	}, seen)
	t.Logf("the errors name the interpreter (%q) and the CRLF line (%q); the script with no #! line ran with sh: %q",
		seen[1], seen[2], seen[3])
}
