package pgroups

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// nobody is the uid and gid the workers drop to, as in 000 §5.
const nobody = 65534

// inspector reports, as "worker ..." lines on stdout, its pid, its credentials as
// /proc/self/status shows them, what it reads from descriptor 3, and
// whether it can open the file named by its argument itself.
var inspector = childproc.Register("pgroups/inspector", func(args []string) int {
	fmt.Printf("worker pid: %d\n", os.Getpid())
	for _, key := range []string{"Uid", "Gid", "Groups"} {
		fmt.Printf("worker %s: %s\n", key, selfStatusLine(key)) // right inside a PID namespace too
	}
	fd3, err := io.ReadAll(os.NewFile(3, "secret"))
	fmt.Printf("worker reads fd 3: %s\n", resultOf(string(fd3), err))
	f, err := os.Open(args[0])
	if err == nil {
		f.Close()
	}
	fmt.Printf("worker opens the file: %s\n", resultOf("ok", err))
	fmt.Println("ready")
	return 0
})

var credentialBroken, credentialFixed = pair("pgroups/credential", func(c code, args []string) int {
	exe, path := args[0], args[1]
	secret, err := os.Open(path) // as root
	if err != nil {
		return fail("open", err)
	}
	cmd := commandAt(exe, inspector, path)
	if err := startAndRelay(cmd, "worker", func(cmd *exec.Cmd) error { return c.StartUnprivileged(cmd, secret) }); err != nil {
		return fail("start", err)
	}
	secret.Close()
	if err := cmd.Wait(); err != nil {
		return fail("worker", err)
	}
	// What is left to the parent afterwards.
	for _, key := range []string{"Uid", "Groups"} {
		childproc.Emitf("parent %s: %s", key, statusLine(os.Getpid(), key))
	}
	f, err := os.Open(path)
	if err == nil {
		f.Close()
	}
	childproc.Emitf("parent opens the file again: %s", resultOf("ok", err))
	childproc.Emitf("parent setuid(0): %s", errnoOrNil(syscall.Setuid(0)))
	root := commandAt(exe, inspector, path)
	root.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 0, Gid: 0}}
	root.ExtraFiles = []*os.File{os.Stdin}
	err = root.Run()
	childproc.Emitf("parent starts a worker as root: %s", errnoOrNil(err))
	return 0
})

// Credential is the privilege drop of 000 §5.
var Credential = catalog.Entry{
	ID:    "pgroups/credential",
	Title: "Dropping privileges in the parent cannot be undone",
	Symptom: "After setuid to start an unprivileged worker, the service can no longer reopen its own " +
		"files, restart a privileged helper, or become root again.",
	Cause: "syscall.Setuid changes the whole process: since Go 1.16 every thread, through " +
		"AllThreadsSyscall (syscall/syscall_linux.go, Setuid). A process that gave up root cannot take it back.",
	Fix: "Drop privileges in the child alone: SysProcAttr.Credential is applied between fork and exec " +
		"(syscall/exec_linux.go, forkAndExecInChild1). Hand the worker what it needs opened as root " +
		"through ExtraFiles.",
	Sources: []string{"000 §5"},
	Refs:    []string{"setuid(2): \"it is impossible for the program to regain root privileges\""},
	Func:    "StartUnprivileged",
	Test:    "TestCredential",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the parent that dropped to nobody cannot reopen its file, regain root or start a root child",
		Role:  credentialBroken,
		Prove: proveParentLostRoot,
	},
	Fixed: catalog.Half{
		Says:  "the worker runs as nobody with no groups and reads the root-opened file; the parent stays root",
		Role:  credentialFixed,
		Prove: proveParentKeptRoot,
	},
}

// runCredential runs the scenario as root with two supplementary groups,
// so that losing them shows, and checks what the worker reported, the
// same in both halves.
func runCredential(t childproc.T, role childproc.Role) childproc.Result {
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: it drops from root to uid 65534 and back", role, inspector)
	}
	path := secretFile(t, "top secret")
	res := childproc.Run(t, role, childproc.Args(executableCopy(t), path), childproc.Timeout(5*time.Second),
		childproc.Attr(func(a *syscall.SysProcAttr) {
			a.Credential = &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{4, 27}}
		}))
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	ids := strings.Repeat(strconv.Itoa(nobody)+" ", 4)
	assert.Contains(t, res.Events, "worker Uid: "+ids[:len(ids)-1], "real, effective, saved and fs uid")
	assert.Contains(t, res.Events, "worker Gid: "+ids[:len(ids)-1])
	assert.Contains(t, res.Events, "worker Groups: ", "no supplementary groups")
	assert.Contains(t, res.Events, "worker reads fd 3: top secret", "the descriptor opened as root still reads")
	assert.Contains(t, res.Events, "worker opens the file: EACCES", "the file itself is out of reach")
	return res
}

func proveParentLostRoot(t childproc.T, role childproc.Role) {
	res := runCredential(t, role)
	assert.Contains(t, res.Events, "parent Uid: 65534 65534 65534 65534")
	assert.Contains(t, res.Events, "parent Groups: ")
	assert.Contains(t, res.Events, "parent opens the file again: EACCES")
	assert.Contains(t, res.Events, "parent setuid(0): EPERM")
	assert.Contains(t, res.Events, "parent starts a worker as root: EPERM", "Start returns the failed credential change")
	t.Logf("worker as nobody read fd 3; then the parent, now nobody too: %s", strings.Join(parentLines(res), "; "))
}

func proveParentKeptRoot(t childproc.T, role childproc.Role) {
	res := runCredential(t, role)
	assert.Contains(t, res.Events, "parent Uid: 0 0 0 0")
	assert.Contains(t, res.Events, "parent Groups: 4 27")
	assert.Contains(t, res.Events, "parent opens the file again: ok")
	assert.Contains(t, res.Events, "parent starts a worker as root: nil")
	t.Logf("worker: %s; parent: %s", strings.Join(workerLines(res), "; "), strings.Join(parentLines(res), "; "))
}

func parentLines(res childproc.Result) []string { return linesWith(res, "parent ") }
func workerLines(res childproc.Result) []string { return linesWith(res, "worker ") }

func linesWith(res childproc.Result, prefix string) []string {
	var out []string
	for _, e := range res.Events {
		if strings.HasPrefix(e, prefix) {
			out = append(out, strings.TrimPrefix(e, prefix))
		}
	}
	return out
}

// resultOf is "ok" (or the data read) on success, the errno's name on failure.
func resultOf(ok string, err error) string {
	if err != nil {
		return errnoOrNil(err)
	}
	return ok
}

// commandAt is childproc.Command run from another copy of the executable.
func commandAt(exe string, r childproc.Role, args ...string) *exec.Cmd {
	cmd := childproc.Command(r, args...)
	cmd.Path, cmd.Args[0] = exe, exe
	return cmd
}

// secretFile writes a file only root can reach: mode 0600 in a 0700
// directory, both owned by root.
func secretFile(t childproc.T, content string) string {
	dir, err := os.MkdirTemp("", "pgroups-secret-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// executableCopy copies the running binary where any user may run it: go
// test builds it in a 0700 directory, which nobody cannot enter.
func executableCopy(t childproc.T) string {
	self, err := os.Executable()
	require.NoError(t, err)
	dir, err := os.MkdirTemp("", "pgroups-exe-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	src, err := os.Open(self)
	require.NoError(t, err)
	defer src.Close()
	exe := filepath.Join(dir, filepath.Base(self))
	dst, err := os.OpenFile(exe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
	return exe
}
