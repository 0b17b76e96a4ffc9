//go:build linux

package proofs

import (
	"os"
	"strconv"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// SupplementaryGroups is the privilege drop of 000 §5, done in the
// process itself and without Setgroups.
var SupplementaryGroups = catalog.Entry{
	ID:    "pgroups/supplementary-groups",
	Title: "Setgid and Setuid without Setgroups keep root's supplementary groups",
	Symptom: "A daemon that dropped from root to nobody still reads the files of adm, disk, docker or wheel: " +
		"ps shows nobody as its user and root's groups as its SUPGRP.",
	Cause: "The supplementary groups are a list of their own. setgid(2) changes the real, effective and saved group ids, " +
		"setuid(2) the user ids, and neither touches the list, which permission checks still consult.",
	Fix: "Call Setgroups([]int{}), or set the target user's own groups (os/user, GroupIds), first, while still root; " +
		"then Setgid, then Setuid. For a child, SysProcAttr.Credential sets Groups unless NoSetGroups is true.",
	Sources: []string{"000 §5"},
	Refs:    []string{"yggdrasil-network/yggdrasil-go#1202", "fiorix/go-daemon#4", "coreos/ignition#2242"},
	Func:    "DropPrivileges",
	Test:    "TestSupplementaryGroups",
	Quiz: catalog.Quiz{
		Scenario: "the child runs as root, drops to nobody with Setgid and Setuid, then reads a file of group adm",
	},
	Roles: pgroups.SupplementaryGroups,
	Broken: catalog.Half{
		Says:  "after the drop to nobody the process keeps groups 4 and 27, and reads a file of group adm",
		Prove: proveGroupsKept,
	},
	Fixed: catalog.Half{
		Says:  "after the drop the process has no supplementary groups, and the adm file is refused",
		Prove: proveGroupsDropped,
	},
	Diagram: `sequenceDiagram
    participant C as child (uid 0, groups 4 and 27)
    participant F as log (root, group adm, 0640)
    Note over C: fixed: Setgroups, no groups
    Note over C: Setgid 65534, Setuid 65534
    C->>F: read as nobody
    Note over C,F: broken: group 4 still counts, read
    Note over C,F: fixed: EACCES`,
}

// runDrop runs the scenario as root with supplementary groups Adm and 27,
// as a daemon that root starts inherits them, and reads the child's
// credentials from /proc once it has dropped them and tried the file.
func runDrop(t childproc.T, r role.Role) (res childproc.Result, after credentials) {
	if os.Geteuid() != 0 {
		childproc.SkipWith(t, "needs root: the scenario drops from root to uid 65534", r)
	}
	path := GroupFile(t, pgroups.Adm)
	input, hold, err := os.Pipe()
	require.NoError(t, err)
	defer hold.Close()
	p := childproc.Start(t, r, childproc.Args(path), childproc.Stdin(input), childproc.Timeout(childproc.FinishBound),
		childproc.Attr(func(a *syscall.SysProcAttr) {
			a.Credential = &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{pgroups.Adm, 27}}
		}))
	input.Close() // the child holds it now
	p.WaitReady(t)
	after = credentialsOf(p.Pid)
	hold.Close() // its input ends: it exits
	res = p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	require.Equal(t, nobody, after.uid, "it runs as nobody")
	require.Equal(t, nobody, after.gid, "in group nobody")
	return res, after
}

func proveGroupsKept(t childproc.T, r role.Role) {
	res, after := runDrop(t, r)
	require.Equal(t, strconv.Itoa(pgroups.Adm)+" 27", after.groups, "root's supplementary groups are still its own")
	require.Equal(t, []string{"as nobody, read the adm file: " + Secret}, res.Events)
	t.Logf("after Setgid and Setuid: Uid %s, Gid %s, Groups %q; %s", after.uid, after.gid, after.groups, res.Events[0])
}

func proveGroupsDropped(t childproc.T, r role.Role) {
	res, after := runDrop(t, r)
	require.Equal(t, "", after.groups, "no supplementary groups")
	require.Equal(t, []string{"as nobody, read the adm file: EACCES"}, res.Events)
	t.Logf("after Setgroups, Setgid and Setuid: Uid %s, Gid %s, Groups empty; %s", after.uid, after.gid, res.Events[0])
}
