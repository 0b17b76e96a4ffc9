//go:build linux

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/zombies"
)

// ShellAsPID1 shows the other common broken init of 001 Q28's question: a
// `sh -c` wrapper as PID 1, which has no SIGTERM handler.
//
// The kernel drops a default-action signal to a namespace's init inside
// kill(2) itself (sig_task_ignored in kernel/signal.c): the moment kill
// returns, SIGTERM is not pending and sh is alive. Delivered, it would be
// pending, or would have queued SIGKILL on its way to killing sh.
func ShellAsPID1(t childproc.T) {
	needNamespaces(t)
	run := startInit(t, zombies.UnderShell, false, false, "term")
	run.notes.await(t, "app ready")
	sh := run.p.Pid
	require.Equal(t, "sh", procfs.Comm(sh))
	// dash blocks every signal around the fork of a job; once it sleeps in
	// wait3 for the app, it has unblocked them and stays there.
	run.p.Until(t, "sh waits for the app with SIGTERM unblocked", func() bool {
		return procfs.SleepsIn(sh, procfs.DoWait) && !procfs.Signals(sh, procfs.Blocked).Has(syscall.SIGTERM)
	})
	for _, set := range []string{procfs.Caught, procfs.Ignored} {
		require.False(t, procfs.Signals(sh, set).Has(syscall.SIGTERM), "sh has SIGTERM in %s", set)
	}
	run.p.Signal(t, syscall.SIGTERM)
	assert.True(t, procfs.Alive(sh), "sh survived SIGTERM")
	assert.Zero(t, procfs.Signals(sh, procfs.Pending)|procfs.Signals(sh, procfs.Shared), "nothing is pending for sh")
	res := run.p.Kill(t)
	run.notes.wait(t)
	assert.Equal(t, syscall.SIGKILL, res.Signal)
	assert.Empty(t, run.notes.find("app saw SIGTERM"), "the app never heard of it")
	if !t.Failed() {
		t.Logf("sh -c as PID 1 has no SIGTERM handler: the kernel dropped the SIGTERM sent to it, the app never saw one, and only SIGKILL ended it (%s)",
			res.Status())
	}
}
