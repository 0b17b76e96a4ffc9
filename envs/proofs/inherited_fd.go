package proofs

import (
	"net"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
)

// InheritedFD is the variable that names an inherited descriptor, left for
// the children.
var InheritedFD = catalog.Entry{
	ID:    "envs/inherited-fd",
	Title: "LISTEN_FD and the socket it names are inherited by every child of the server",
	Symptom: "Each helper the server runs holds the listening socket open (the port stays bound after the server exits) " +
		"and finds LISTEN_FD=4 in its environment, so a Go helper built on the same library takes over a socket that is not its own.",
	Cause: "The variable is part of the environment, which children inherit. The descriptor arrived without close-on-exec " +
		"(exec dup2s ExtraFiles into place), and os.NewFile does not set it, so exec passes it on too.",
	Fix: "After net.FileListener, which keeps its own close-on-exec copy ($GOROOT/src/net/file_unix.go, dupFileSocket), " +
		"close the inherited *os.File; unset LISTEN_FD. " +
		"systemd's protocol says the same: sd_listen_fds checks LISTEN_PID and unsets the variables.",
	Sources: []string{"000 §6", "001 Q19"},
	Refs:    []string{"sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, and unset_environment"},
	Func:    "InheritedListener",
	Test:    "TestInheritedFD",
	Tree:    true,
	Quiz: catalog.Quiz{
		Scenario: "a new server takes over the listening socket passed at LISTEN_FD=4, then runs a helper",
		AskFixed: true,
		Wrong:    "the helper has no LISTEN_FD, but still holds the listening socket at descriptor 4",
	},
	Roles: envs.InheritedFD,
	Broken: catalog.Half{
		Says:  "the helper sees LISTEN_FD=4 and holds the listening socket at descriptor 4",
		Prove: proveHelperInheritsSocket,
	},
	Fixed: catalog.Half{
		Says:  "the helper has neither the variable nor the socket",
		Prove: proveHelperHasNoSocket,
	},
	Diagram: `sequenceDiagram
    participant T as test (listener on 127.0.0.1)
    participant S as server child
    participant H as helper
    T->>S: ExtraFiles: socket as fd 4, LISTEN_FD=4
    S->>S: net.FileListener(os.NewFile(4)): serving
    S->>H: exec helper
    H-->>S: LISTEN_FD=4 and the socket (broken), or neither`,
}

// runServer listens on a loopback port and passes the socket to the child
// as descriptor 4, named by LISTEN_FD. It returns the listener's address,
// the socket as /proc names it, and the child's events.
func runServer(t childproc.T, r role.Role) (addr, socket string, events []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	defer f.Close()
	socket = procfs.Descriptors(procfs.Self)[int(f.Fd())]
	require.Regexp(t, `^socket:\[\d+\]$`, socket)
	res := childproc.Run(t, r, childproc.ExtraFiles(f), childproc.Env("LISTEN_FD="+envs.ListenFD),
		childproc.Timeout(childproc.FinishBound))
	require.Equal(t, 0, res.ExitCode, "%s %q", res.Stderr, res.Events)
	return ln.Addr().String(), socket, res.Events
}

func proveHelperInheritsSocket(t childproc.T, r role.Role) {
	addr, socket, seen := runServer(t, r)
	require.Equal(t, []string{
		"serving on " + addr,
		"helper: LISTEN_FD=" + envs.ListenFD,
		"helper: sockets: [" + envs.ListenFD + "=" + socket + "]",
	}, seen)
	t.Logf("the helper found LISTEN_FD=%s and held the server's listening %s at descriptor %s",
		envs.ListenFD, socket, envs.ListenFD)
}

func proveHelperHasNoSocket(t childproc.T, r role.Role) {
	addr, _, seen := runServer(t, r)
	require.Equal(t, []string{
		"serving on " + addr,
		"helper: LISTEN_FD unset",
		"helper: sockets: []",
	}, seen)
	t.Logf("the server served on %s; its helper had no LISTEN_FD and no socket", addr)
}
