package zombies

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// shellWrapper is the script of a typical `sh -c` entrypoint: it runs the
// app and exits with its status. The app is not the last command, so the
// shell cannot exec it and stays PID 1 itself.
const shellWrapper = `"$@"; exit $?`

// underShell is PID 1 replaced by /bin/sh running shellWrapper around the
// app, as `CMD ["sh", "-c", "..."]` in a Dockerfile makes it.
var underShell = childproc.Register("zombies/under-shell", func(args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	cmd := childproc.Command(app, args...)
	argv := append([]string{"sh", "-c", shellWrapper, "sh", cmd.Path}, cmd.Args[1:]...)
	err := syscall.Exec("/bin/sh", argv, cmd.Env)
	note("init error: exec /bin/sh: %v", err)
	return 127
})

// inMask reports whether sig is in one of the signal masks of
// /proc/pid/status ("SigCgt", "SigBlk", "SigIgn"), and false when it cannot
// read it.
func inMask(pid int, mask string, sig syscall.Signal) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, _ := strings.Cut(line, ":"); k == mask {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && m&(1<<(sig-1)) != 0
		}
	}
	return false
}

func proveShellDropsSIGTERM(t childproc.T) {
	needNamespaces(t, underShell)
	run := startInit(t, underShell, false, "term")
	run.notes.await(t, "app ready")
	sh := run.p.Pid
	require.Equal(t, "sh", childproc.Comm(sh))
	// dash blocks every signal around the fork of a job; once it sleeps in
	// wait3 for the app, it has unblocked them and stays there.
	childproc.Poll(t, 5*time.Second, "sh waits for the app with SIGTERM unblocked", func() bool {
		return waitsForChild(sh) && !inMask(sh, "SigBlk", syscall.SIGTERM)
	})
	for _, mask := range []string{"SigCgt", "SigIgn"} {
		require.False(t, inMask(sh, mask, syscall.SIGTERM), "sh has SIGTERM in %s", mask)
	}
	// kill(2) decides at once: a default-action signal to a namespace's
	// init is dropped before it is queued (sig_task_ignored in
	// kernel/signal.c). Delivered, SIGTERM would be pending, or would have
	// queued SIGKILL on the way to killing sh.
	run.p.Signal(t, syscall.SIGTERM)
	assert.True(t, childproc.Alive(sh), "sh survived SIGTERM")
	assert.Equal(t, "nothing", pending(sh), "nothing is pending for sh")
	res := run.p.Kill(t)
	run.notes.wait(t)
	assert.Equal(t, syscall.SIGKILL, res.Signal)
	assert.Empty(t, run.notes.find("app saw SIGTERM"), "the app never heard of it")
	t.Logf("sh -c as PID 1 has no SIGTERM handler: the kernel dropped the SIGTERM sent to it, the app never saw one, and only SIGKILL ended it (%s)",
		res.Status())
}
