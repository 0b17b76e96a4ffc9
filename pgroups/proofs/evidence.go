//go:build linux

package proofs

import (
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
)

// PidsIn returns the pids of every "name pid=N" event.
func PidsIn(events []string, name string) []int {
	var pids []int
	for _, e := range events {
		if v, ok := strings.CutPrefix(e, name+" pid="); ok {
			if pid, err := strconv.Atoi(v); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// Describe says a process's pid, state, parent and group as ps would, and
// for a zombie the signal that ended it.
func Describe(pid int) string {
	st, err := procfs.ReadStat(pid)
	if err != nil {
		return strconv.Itoa(pid) + " (gone)"
	}
	out := strconv.Itoa(pid) + " (" + string(st.State) + ", ppid " + strconv.Itoa(st.Parent) +
		", pgid " + strconv.Itoa(st.Group)
	if sig := procfs.ExitSignal(pid); sig != 0 {
		out += ", killed by " + childproc.SignalName(sig)
	}
	return out + ")"
}

// DescribeAll is Describe for each pid.
func DescribeAll(pids []int) string {
	var parts []string
	for _, pid := range pids {
		parts = append(parts, Describe(pid))
	}
	return strings.Join(parts, ", ")
}

// killOrphan kills a worker that has come to the test process as an
// orphan, with SIGKILL, and returns the name of the signal its zombie says
// ended it, or "" if none did.
// The worker is sleep(1): a signal it leaves to the kernel's default
// condemns it the instant it is sent, and a later one changes nothing. So
// the answer says which came first: a signal sent to it before this call,
// or this call's SIGKILL. The zombie is reaped with the child's group.
func killOrphan(t childproc.T, worker int) string {
	t.Helper()
	require.Equal(t, os.Getpid(), procfs.Parent(worker), "worker %d was re-parented to the test process", worker)
	require.NoError(t, childproc.Signal(worker, syscall.SIGKILL))
	childproc.Poll(t, "worker "+strconv.Itoa(worker)+" has ended", func() bool { return procfs.State(worker) == 'Z' })
	return signalName(procfs.ExitSignal(worker))
}

// signalName is "SIGTERM" for syscall.SIGTERM, and "" for no signal: a
// failed comparison then reads as names, not numbers.
func signalName(sig syscall.Signal) string {
	if sig == 0 {
		return ""
	}
	return childproc.SignalName(sig)
}
