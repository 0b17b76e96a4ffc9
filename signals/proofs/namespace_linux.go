package proofs

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// InNewPIDNamespace makes the child PID 1 of a new PID namespace, owned
// by a new user namespace in which the test's user is root: the child is
// "PID 1" there only, and the test signals it by its pid outside. It
// skips, with the kernel's reason, where the kernel refuses to create the
// namespaces, counting roles as accounted for.
func InNewPIDNamespace(t childproc.T, roles ...role.Role) childproc.Option {
	t.Helper()
	if err := namespacesRefused(); err != nil {
		childproc.SkipWith(t, fmt.Sprintf("needs a new user and PID namespace (CLONE_NEWUSER|CLONE_NEWPID), "+
			"which this kernel refuses here: %v", err), roles...)
	}
	return childproc.Attr(newNamespaces)
}

func newNamespaces(a *syscall.SysProcAttr) {
	a.Cloneflags |= syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
}

// namespacesRefused asks the kernel once, by starting /bin/true in the
// same namespaces, and waits for it.
var namespacesRefused = sync.OnceValue(func() error {
	probe := exec.Command("/bin/true")
	probe.SysProcAttr = &syscall.SysProcAttr{}
	newNamespaces(probe.SysProcAttr)
	return probe.Run()
})
