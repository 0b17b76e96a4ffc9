//go:build unix

package pipes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// These tests check the source texts' claims about pipes that no catalog
// entry covers. Each runs the claim in a child process.

// C025: after StdoutPipe, cmd.Stdout is the pipe's write end, so setting
// cmd.Stderr = cmd.Stdout merges both streams into the one pipe.
var mergedStderr = childproc.Register("pipes/claim/merged-stderr", func([]string) int {
	cmd := childproc.Command(writer, fmt.Sprintf("stderr:%d", eachStream), fmt.Sprintf("stdout:%d", eachStream))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 1
	}
	cmd.Stderr = cmd.Stdout
	childproc.Emitf("cmd.Stdout is %T", cmd.Stdout)
	if err := cmd.Start(); err != nil {
		return 1
	}
	n, err := io.Copy(io.Discard, out)
	childproc.Emitf("read %d bytes, copy error %v, wait error %v", n, err, cmd.Wait())
	return 0
})

func TestMergedStderr(t *testing.T) {
	res := childproc.Run(t, mergedStderr)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{"cmd.Stdout is *os.File",
		fmt.Sprintf("read %d bytes, copy error <nil>, wait error <nil>", 2*eachStream)}, res.Events)
	t.Logf("merged stream: %s", res.LastEvent())
}

// C027: Output and CombinedOutput drain both pipes themselves.
var outputDrains = childproc.Register("pipes/claim/output-drains", func([]string) int {
	args := []string{fmt.Sprintf("stderr:%d", oneMiB), fmt.Sprintf("stdout:%d", oneMiB)}
	out, err := childproc.Command(writer, args...).Output()
	childproc.Emitf("Output: %d bytes, error %v", len(out), err)
	both, err := childproc.Command(writer, args...).CombinedOutput()
	childproc.Emitf("CombinedOutput: %d bytes, error %v", len(both), err)
	return 0
})

func TestOutputDrainsBoth(t *testing.T) {
	res := childproc.Run(t, outputDrains)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{
		fmt.Sprintf("Output: %d bytes, error <nil>", oneMiB),
		fmt.Sprintf("CombinedOutput: %d bytes, error <nil>", 2*oneMiB),
	}, res.Events)
	t.Logf("with 1 MiB on each stream: %s", strings.Join(res.Events, "; "))
}

// C028: ExitError.Stderr is filled only by Output with a nil cmd.Stderr,
// and keeps only the first and last 32 KiB (exec.go, prefixSuffixSaver).
var exitErrorStderr = childproc.Register("pipes/claim/exit-error-stderr", func([]string) int {
	const long = 200_000
	var ee *exec.ExitError
	_, err := childproc.Command(failer, strconv.Itoa(long)).Output()
	if errors.As(err, &ee) {
		childproc.Emitf("nil Stderr: %d of %d bytes kept, omission noted: %t",
			len(ee.Stderr), long, bytes.Contains(ee.Stderr, []byte("omitting")))
	}
	cmd := childproc.Command(failer)
	cmd.Stderr = io.Discard
	_, err = cmd.Output()
	if errors.As(err, &ee) {
		childproc.Emitf("Stderr set: %d bytes kept", len(ee.Stderr))
	}
	return 0
})

func TestExitErrorStderrIsPartial(t *testing.T) {
	res := childproc.Run(t, exitErrorStderr)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	require.Len(t, res.Events, 2)
	var kept, long int
	var noted bool
	_, err := fmt.Sscanf(res.Events[0], "nil Stderr: %d of %d bytes kept, omission noted: %t", &kept, &long, &noted)
	require.NoError(t, err)
	assert.Greater(t, kept, 2*32<<10, "both 32 KiB ends are kept")
	assert.Less(t, kept, 2*32<<10+100, "and little more than a note between them")
	assert.True(t, noted)
	assert.Equal(t, "Stderr set: 0 bytes kept", res.Events[1])
	t.Logf("%s; %s", res.Events[0], res.Events[1])
}

// C029: CombinedOutput puts both streams in one buffer, in write order.
var combined = childproc.Register("pipes/claim/combined", func([]string) int {
	out, err := childproc.Command(interleaver).CombinedOutput()
	childproc.Emitf("%q %v", out, err)
	return 0
})

func TestCombinedOutputInterleaves(t *testing.T) {
	res := childproc.Run(t, combined)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, `"o1\ne1\no2\ne2\n" <nil>`, res.LastEvent())
	t.Logf("CombinedOutput: %s", res.LastEvent())
}

// C030 and C051: with nil Stdin and Stdout the child gets /dev/null, and
// ExtraFiles[i] becomes descriptor 3+i.
var stdioAndExtraFiles = childproc.Register("pipes/claim/stdio", func([]string) int {
	cmd := childproc.Command(descriptors)
	hostname, _ := os.Open("/etc/hostname")
	passwd, _ := os.Open("/etc/passwd")
	cmd.ExtraFiles = []*os.File{hostname, passwd}
	var report bytes.Buffer
	cmd.Stderr = &report
	if err := cmd.Run(); err != nil {
		return 1
	}
	for _, line := range strings.Fields(report.String()) {
		childproc.Emit(line)
	}
	return 0
})

func TestRunConnectsDevNullAndExtraFiles(t *testing.T) {
	res := childproc.Run(t, stdioAndExtraFiles)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, "fd0=/dev/null", res.Events[0])
	assert.Equal(t, "fd1=/dev/null", res.Events[1])
	assert.True(t, strings.HasPrefix(res.Events[2], "fd2=pipe:"), res.Events[2])
	assert.Equal(t, []string{"fd3=/etc/hostname", "fd4=/etc/passwd"}, res.Events[3:])
	t.Logf("the grandchild's descriptors: %s", strings.Join(res.Events, " "))
}

// C031: Run, Output and CombinedOutput wait, so the child is reaped: its
// pid is gone from /proc, not a zombie.
var runReaps = childproc.Register("pipes/claim/run-reaps", func([]string) int {
	for name, run := range map[string]func(*exec.Cmd) error{
		"Run":            (*exec.Cmd).Run,
		"Output":         func(c *exec.Cmd) error { _, err := c.Output(); return err },
		"CombinedOutput": func(c *exec.Cmd) error { _, err := c.CombinedOutput(); return err },
	} {
		cmd := childproc.Command(interleaver)
		err := run(cmd)
		childproc.Emitf("%s: error %v, state after %q", name, err, string(childproc.State(cmd.Process.Pid)))
	}
	return 0
})

func TestRunOutputCombinedOutputReap(t *testing.T) {
	res := childproc.Run(t, runReaps)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.ElementsMatch(t, []string{
		`Run: error <nil>, state after "\x00"`,
		`Output: error <nil>, state after "\x00"`,
		`CombinedOutput: error <nil>, state after "\x00"`,
	}, res.Events, "no /proc entry left: reaped")
	t.Logf("after each call the grandchild's pid was gone from /proc: %d calls checked", len(res.Events))
}

// C052 and C053: a listener handed over as fd 3 serves in the grandchild
// while the parent still accepts on it too; each connection goes to exactly
// one of them, and nothing makes the split even.
const connections = 40

var handoff = childproc.Register("pipes/claim/handoff", func([]string) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 1
	}
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		return 1
	}
	cmd := childproc.Command(server)
	cmd.ExtraFiles = []*os.File{f}
	if err := cmd.Start(); err != nil {
		return 1
	}
	f.Close()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	go func() { // the parent serves on the same socket
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%d", os.Getpid())
			c.Close()
		}
	}()
	served := map[string]int{}
	for range connections {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			return 1
		}
		who, _ := io.ReadAll(c)
		c.Close()
		switch string(who) {
		case strconv.Itoa(os.Getpid()):
			served["parent"]++
		case strconv.Itoa(cmd.Process.Pid):
			served["grandchild"]++
		default:
			served["nobody"]++
		}
	}
	childproc.Emitf("parent %d, grandchild %d, nobody %d", served["parent"], served["grandchild"], served["nobody"])
	return 0
})

func TestListenerHandoff(t *testing.T) {
	res := childproc.Run(t, handoff)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	var parent, grandchild, nobody int
	_, err := fmt.Sscanf(res.LastEvent(), "parent %d, grandchild %d, nobody %d", &parent, &grandchild, &nobody)
	require.NoError(t, err)
	assert.Equal(t, connections, parent+grandchild, "every connection was answered once")
	assert.Zero(t, nobody)
	t.Logf("%d connections on one shared listener: %s", connections, res.LastEvent())
}
