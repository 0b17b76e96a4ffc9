//go:build linux

package proofs

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// Credential is the privilege drop of 000 §5.
var Credential = catalog.Entry{
	ID:    "pgroups/credential",
	Title: "Dropping privileges in the parent cannot be undone",
	Symptom: "After setuid to start an unprivileged worker, the service can no longer reopen its own " +
		"files, restart a privileged helper, or become root again.",
	Cause: "syscall.Setuid changes the whole process: since Go 1.16 every thread, through AllThreadsSyscall " +
		"(or the C library's setuid where cgo is used; syscall/syscall_linux.go, Setuid). A process that gave up " +
		"root cannot take it back.",
	Fix: "Drop privileges in the child alone: SysProcAttr.Credential is applied between fork and exec " +
		"(syscall/exec_linux.go, forkAndExecInChild1). Hand the worker what it needs opened as root " +
		"through ExtraFiles.",
	Sources: []string{"000 §5"},
	Refs:    []string{"setuid(2): \"it is impossible for the program to regain root privileges\""},
	Func:    "StartUnprivileged",
	Test:    "TestCredential",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a root service opens a file, starts a worker as nobody with it, and goes on serving",
		AskFixed: true,
		Wrong:    "the worker runs as nobody, and the descriptor opened as root is closed to it",
	},
	Roles: pgroups.Credential,
	Broken: catalog.Half{
		Says:  "the parent that dropped to nobody cannot reopen its file, regain root or start a root helper",
		Prove: proveParentLostRoot,
	},
	Fixed: catalog.Half{
		Says:  "the worker runs as nobody with no groups and reads the root-opened file; the parent stays root",
		Prove: proveParentKeptRoot,
	},
	Diagram: `sequenceDiagram
    participant C as child (root, groups 4 and 27)
    participant W as worker
    Note over C: opens the file as root
    Note over C: broken: drops to 65534
    C->>W: Start with fd 3 (fixed: Credential)
    Note over W: uid 65534, no groups
    W->>W: reads fd 3, open fails
    Note over C,W: broken: C cannot regain root
    Note over C,W: fixed: C is still root`,
}

// credentials are the lines of /proc/pid/status that say who a process is.
type credentials struct{ uid, gid, groups string }

func credentialsOf(pid int) credentials {
	return credentials{procfs.StatusField(pid, "Uid"), procfs.StatusField(pid, "Gid"), procfs.StatusField(pid, "Groups")}
}

// nobody is how /proc/pid/status shows a process that is nobody through
// and through: real, effective, saved and filesystem ids.
var nobody = strings.TrimSpace(strings.Repeat(strconv.Itoa(pgroups.Nobody)+" ", 4))

// runCredential runs the scenario as root with two supplementary groups,
// so that losing them shows. While the worker runs, it reads the worker's
// and the parent's credentials from /proc; then it closes the input that
// keeps the worker running. It checks what the worker reported, the same
// in both halves.
func runCredential(t childproc.T, r role.Role) (res childproc.Result, worker, parent credentials) {
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: the scenario drops from root to uid 65534", r, pgroups.Inspector, pgroups.Noop)
	}
	path := SecretFile(t)
	input, hold, err := os.Pipe()
	require.NoError(t, err)
	defer hold.Close()
	p := childproc.Start(t, r, childproc.Args(ProgramCopy(t, r), path), childproc.Stdin(input),
		childproc.Timeout(childproc.FinishBound),
		childproc.Attr(func(a *syscall.SysProcAttr) {
			a.Credential = &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{4, 27}}
		}))
	input.Close() // the child holds it now
	pid := p.AwaitPID(t, "worker")
	p.WaitReady(t)
	worker, parent = credentialsOf(pid), credentialsOf(p.Pid)
	hold.Close() // the worker's input ends: it exits
	p.Await(t, "parent starts a helper as root: ")
	res = p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	require.Equal(t, credentials{nobody, nobody, ""}, worker, "the worker is nobody, with no supplementary groups")
	require.Contains(t, res.Events, "worker reads fd 3: "+Secret, "the descriptor opened as root still reads")
	require.Contains(t, res.Events, "worker opens the file: EACCES", "the file itself is out of its reach")
	require.Contains(t, res.Events, "worker ended: <nil>")
	return res, worker, parent
}

func proveParentLostRoot(t childproc.T, r role.Role) {
	res, _, parent := runCredential(t, r)
	require.Equal(t, credentials{nobody, nobody, ""}, parent, "the parent dropped to nobody too")
	require.Subset(t, res.Events, []string{
		"parent opens the file again: EACCES",
		"parent setuid(0): EPERM",
		"parent starts a helper as root: EPERM",
	})
	t.Logf("the worker ran as nobody and read fd 3; the parent, nobody too (Uid %s), then: %s",
		parent.uid, strings.Join(res.Events[len(res.Events)-3:], "; "))
}

func proveParentKeptRoot(t childproc.T, r role.Role) {
	res, worker, parent := runCredential(t, r)
	require.Equal(t, credentials{"0 0 0 0", "0 0 0 0", "4 27"}, parent, "the parent is still root, with its groups")
	require.Subset(t, res.Events, []string{
		"parent opens the file again: ok",
		"parent setuid(0): nil",
		"parent starts a helper as root: nil",
	})
	t.Logf("worker Uid %s, Groups %q, read fd 3; parent Uid %s, Groups %q, then: %s",
		worker.uid, worker.groups, parent.uid, parent.groups, strings.Join(res.Events[len(res.Events)-3:], "; "))
}
