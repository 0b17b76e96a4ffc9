//go:build linux

package proofs

import (
	"os"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/pgroups"
)

// Daemonize is the double fork of 000 §14 under a supervisor.
var Daemonize = catalog.Entry{
	ID:    "pgroups/daemonize",
	Title: "A daemonised server escapes the supervisor that stops the service",
	Symptom: "systemd (or a container runtime, or a test harness) reports the service stopped, yet the " +
		"server still runs and holds its port; the next start fails with \"address already in use\".",
	Cause: "The service started its server with Setsid and exited, the first fork and setsid of the " +
		"double fork. The server now leads its own session and group, re-parented to init (here, the " +
		"subreaper test): stopping the service's group does not reach it.",
	Fix: "Don't daemonise: stay in the foreground, in the group the supervisor started, and wait for " +
		"the server. Stopping the service stops both.",
	Sources: []string{"000 §3", "000 §14"},
	Refs:    []string{"daemon(7), \"New-Style Daemons\": \"No double-forking or setsid() is required\""},
	Func:    "Serve",
	Test:    "TestDaemonize",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a service starts its server, then the supervisor stops the service by killing its process group",
		Wrong:    "the group kill stops the service and its server with it",
	},
	Roles: pgroups.Daemonize,
	Broken: catalog.Half{
		Says:  "the server started with Setsid survives the service's group being killed",
		Prove: proveDaemonEscapes,
	},
	Fixed: catalog.Half{
		Says:  "the server in the foreground is stopped with the service's group",
		Prove: proveForegroundStopped,
	},
	Diagram: `sequenceDiagram
    participant S as supervisor (the test)
    participant P as service (group G)
    participant D as server
    P->>D: Start (broken: Setsid, fixed: stays in G)
    Note over P: broken: Release, exit
    S->>P: stop the service: signal group G
    Note over D: broken: not in G, runs on
    Note over D: fixed: SIGTERM, reaped by P`,
}

func proveDaemonEscapes(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t)
	term := NewTerminal(t) // the service's session has a terminal: the server's has none
	p := childproc.Start(t, r, append(term.Session(), childproc.Timeout(childproc.FinishBound))...)
	server := p.AwaitPID(t, "server")
	escapees.Add(server)
	require.Equal(t, server, procfs.Session(server), "the server leads a session of its own")
	require.Equal(t, "serve returned: <nil>", p.Await(t, "serve returned: "), "the service returned at once")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	p.KillGroup(t) // the supervisor stops the service: SIGKILL to the group it started
	st, err := procfs.ReadStat(server)
	require.NoError(t, err)
	require.True(t, procfs.Alive(server), "the server survived the group kill")
	assert.Equal(t, os.Getpid(), st.Parent, "re-parented to the subreaper (init, outside tests)")
	assert.Equal(t, server, st.Group, "it leads a group of its own")
	assert.Equal(t, 0, st.TTY, "with no controlling terminal")
	if !t.Failed() {
		t.Logf("service %d exited and its group was killed; server %s runs on in session %d, tty_nr 0",
			p.Pid, Describe(server), st.Session)
	}
}

func proveForegroundStopped(t childproc.T, r role.Role) {
	escapees := TrackEscapees(t)
	p := childproc.Start(t, r, childproc.Timeout(childproc.FinishBound))
	server := p.AwaitPID(t, "server")
	escapees.Add(server)
	require.Equal(t, p.Pid, procfs.Group(server), "the server is in the service's group")
	p.SignalGroup(t, syscall.SIGTERM) // the supervisor stops the service's group
	returned := p.Await(t, "serve returned: ")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Equal(t, "serve returned: signal: terminated", returned, "the server got the group's SIGTERM, and the service reaped it")
	t.Logf("SIGTERM to group %d stopped the service (%s) and its server %d: %s", p.Pid, res.Status(), server, returned)
}
