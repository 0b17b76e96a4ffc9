package pgroups

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var daemonBroken, daemonFixed = pair("pgroups/daemonize", func(c code, _ []string) int {
	// The service stops gracefully: SIGTERM does not kill it, it waits
	// for its server and reports how that ended.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGTERM)
	cmd := childproc.Command(sleeper)
	wait, err := c.Serve(cmd)
	if err != nil {
		return fail("start", err)
	}
	childproc.EmitPID("server", cmd.Process.Pid)
	childproc.Ready()
	childproc.Emitf("serve returned: %v", wait())
	return 0 // the service's main process exits
})

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
	Broken: catalog.Half{
		Says:  "the server started with Setsid survives the service's group being killed",
		Role:  daemonBroken,
		Prove: proveDaemonEscapes,
	},
	Fixed: catalog.Half{
		Says:  "the server in the foreground is stopped with the service's group",
		Role:  daemonFixed,
		Prove: proveForegroundStopped,
	},
}

func proveDaemonEscapes(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, append(withTerminal(t), childproc.Timeout(5*time.Second))...)
	server := p.AwaitPID(t, "server")
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	// The supervisor stops the service: SIGKILL to the group it started.
	p.KillGroup(t)
	require.True(t, childproc.Alive(server), "the server survived the group kill")
	assert.Equal(t, os.Getpid(), childproc.Parent(server), "re-parented to the subreaper (init, outside tests)")
	assert.Equal(t, server, childproc.Session(server), "it leads a session of its own")
	assert.Equal(t, server, childproc.Group(server), "and a group of its own")
	assert.Equal(t, 0, ttyNr(server), "with no controlling terminal")
	state := describe(server)
	childproc.ReapOrphan(t, server)
	t.Logf("service %d exited and its group %d was killed; server %s, session %d, tty_nr 0, runs on",
		p.Pid, p.Pid, state, server)
}

func proveForegroundStopped(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role, childproc.Timeout(5*time.Second))
	server := p.AwaitPID(t, "server")
	p.WaitReady(t)
	assert.Equal(t, p.Pid, childproc.Group(server), "the server is in the service's group")
	// The supervisor stops the service: SIGTERM to the group it started.
	p.SignalGroup(t, syscall.SIGTERM)
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, "serve returned: signal: terminated", res.LastEvent(), "the server got the group's SIGTERM")
	assert.Equal(t, byte(0), childproc.State(server), "and the service reaped it")
	t.Logf("SIGTERM to group %d stopped the service (%s) and its server %d: %s", p.Pid, res.Status(), server, res.LastEvent())
}
