//go:build unix

package pipes

import (
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

var leakedDescriptorBroken, leakedDescriptorFixed = pair("pipes/leaked-descriptor", func(c code) int {
	helper := childproc.Command(idle)
	got, err := c.NotifyDone(helper)
	if helper.Process != nil {
		helper.Process.Kill()
		helper.Wait()
	}
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("read %q, then EOF", got)
	return 0
})

// LeakedDescriptor is the pipe a helper process keeps open by accident.
var LeakedDescriptor = catalog.Entry{
	ID:      "pipes/leaked-descriptor",
	Title:   "A descriptor opened without close-on-exec leaks into children and keeps a pipe open",
	Symptom: "A reader waits for EOF for ever although the writer closed its end; an unrelated helper process holds a copy.",
	Cause: "Every child inherits each descriptor that lacks FD_CLOEXEC. Go's os package sets O_CLOEXEC on all it opens; " +
		"raw syscalls (syscall.Pipe, syscall.Socket, unix.Open) and C libraries do not.",
	Fix: "Open with O_CLOEXEC (os.Pipe does; syscall.Pipe2 where it exists), and pass a descriptor on purpose only through " +
		"cmd.ExtraFiles, where it becomes fd 3, 4, ... in the child.",
	Sources: []string{"000 §6", "001 Q19"},
	Refs:    []string{"golang/go#2603 (close-on-exec races with fork: syscall.ForkLock)"},
	Func:    "NotifyDone",
	Test:    "TestLeakedDescriptor",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the helper holds the write end, so the reader never sees EOF",
		Role:  leakedDescriptorBroken,
		Prove: proveHelperHoldsPipe,
	},
	Fixed: catalog.Half{
		Says:  "with close-on-exec the reader gets the message and EOF",
		Role:  leakedDescriptorFixed,
		Prove: proveReaderGetsEOF,
	},
}

func proveHelperHoldsPipe(t childproc.T, role childproc.Role) {
	p := childproc.Start(t, role)
	helper := p.AwaitChild(t)
	var shared string
	childproc.Poll(t, 5*time.Second, "the reader blocks on a pipe the helper holds too", func() bool {
		held := childproc.Descriptors(helper)
		for _, reading := range childproc.ReadingFrom(p.Pid) {
			for fd, target := range held {
				if fd > 2 && target == reading && strings.HasPrefix(target, "pipe:") {
					shared = target
					return true
				}
			}
		}
		return false
	})
	where := childproc.BlockedWhere(p.Pid, "pipe_read")
	res := p.Stop(t)
	assert.Contains(t, res.Stacks, "io.ReadAll", "the reader is still reading")
	t.Logf("helper %d inherited %s; the reader sleeps in %s on that pipe although the writer closed its end",
		helper, shared, where)
}

func proveReaderGetsEOF(t childproc.T, role childproc.Role) {
	res := childproc.Run(t, role, childproc.Timeout(fixedBound))
	require.False(t, res.TimedOut, "the child hung: %s", res.Stacks)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, `read "done", then EOF`, res.LastEvent())
	t.Logf("%s while the helper was still running", res.LastEvent())
}
