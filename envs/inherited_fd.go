package envs

import (
	"net"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// listenFD is where the listening socket arrives in the child: descriptor
// 3 is the harness's control pipe, so the first extra file is 4.
const listenFD = "4"

// The child is the new server of a graceful restart: it takes over the
// listening socket its parent passed at LISTEN_FD, then runs a helper
// program, which reports the variable and what is at that descriptor.
var inheritedFDBroken, inheritedFDFixed = pair("envs/inherited-fd", func(c code) int {
	ln, err := c.InheritedListener()
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	defer ln.Close()
	childproc.Emitf("serving on %s", ln.Addr())
	out, err := childproc.Command(probe, "env:LISTEN_FD", "sockets").Output()
	reportOutput("helper", out, err)
	return 0
})

// InheritedFD is the variable that names an inherited descriptor, left for
// the children.
var InheritedFD = catalog.Entry{
	ID:    "envs/inherited-fd",
	Title: "LISTEN_FD and the socket it names are inherited by every child of the server",
	Symptom: "Each helper the server runs holds the listening socket open (the port stays bound after the server exits) " +
		"and finds LISTEN_FD=4 in its environment, so a Go helper built on the same library takes over a socket that is not its own.",
	Cause: "The variable is part of the environment, which children inherit. The descriptor arrived without close-on-exec " +
		"(exec dup2s ExtraFiles into place), and os.NewFile does not set it, so exec passes it on too.",
	Fix: "After net.FileListener, which keeps its own close-on-exec copy, close the inherited *os.File; unset LISTEN_FD. " +
		"systemd's protocol says the same: sd_listen_fds checks LISTEN_PID and unsets the variables.",
	Sources: []string{"000 §6", "001 Q19"},
	Refs:    []string{"sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, and unset_environment"},
	Func:    "InheritedListener",
	Test:    "TestInheritedFD",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the helper sees LISTEN_FD=4 and holds the listening socket at descriptor 4",
		Role:  inheritedFDBroken,
		Prove: proveHelperInheritsSocket,
	},
	Fixed: catalog.Half{
		Says:  "the helper has neither the variable nor the socket",
		Role:  inheritedFDFixed,
		Prove: proveHelperHasNoSocket,
	},
}

// runServer listens on a loopback port and passes the socket to the child
// as descriptor 4, named by LISTEN_FD.
func runServer(t childproc.T, role childproc.Role) (addr string, events []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	defer f.Close()
	res := childproc.Run(t, role, childproc.ExtraFiles(f), childproc.Env("LISTEN_FD="+listenFD))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	return ln.Addr().String(), res.Events
}

func proveHelperInheritsSocket(t childproc.T, role childproc.Role) {
	addr, seen := runServer(t, role)
	assert.Equal(t, []string{
		"serving on " + addr,
		"helper: LISTEN_FD=" + listenFD,
		"helper: sockets at fds [" + listenFD + "]",
	}, seen)
	t.Logf("%q", seen)
}

func proveHelperHasNoSocket(t childproc.T, role childproc.Role) {
	addr, seen := runServer(t, role)
	assert.Equal(t, []string{
		"serving on " + addr,
		"helper: LISTEN_FD unset",
		"helper: sockets at fds []",
	}, seen)
	t.Logf("%q", seen)
}
