//go:build unix

package proofs

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// Evidence the signal proofs share. The claim tests use it too.

// StartReporting starts r with the report pipe: the pipe on which the
// programs the child starts report, as signals.ReportFD describes. It
// returns the child and the feed of their reports, which the proof can
// read whether or not the child is still alive.
func StartReporting(t childproc.T, r role.Role, opts ...childproc.Option) (*childproc.Proc, *childproc.Feed) {
	t.Helper()
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { pr.Close() }) // ends the feed's reader, whoever still holds the write end
	t.Cleanup(func() { pw.Close() })
	opts = append(slices.Clip(opts), childproc.ExtraFiles(pw), childproc.Env(fmt.Sprintf("%s=%d", signals.ReportEnv, signals.ReportFD)))
	p := childproc.Start(t, r, opts...)
	pw.Close() // only the child and the programs it hands the pipe to hold it now
	return p, childproc.NewFeed(pr, nil)
}

// StartGated starts r with a pipe as its stdin: the gate the scenario
// waits on. Each line the proof writes to the returned end (OpenGate)
// lets the scenario take one step.
func StartGated(t childproc.T, r role.Role, opts ...childproc.Option) (*childproc.Proc, *os.File) {
	t.Helper()
	gateR, gateW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { gateW.Close() })
	p := childproc.Start(t, r, append([]childproc.Option{childproc.Stdin(gateR)}, opts...)...)
	gateR.Close()
	return p, gateW
}

// OpenGate writes one line to a gate of StartGated.
func OpenGate(t childproc.T, gate *os.File, why string) {
	t.Helper()
	_, err := gate.WriteString(why + "\n")
	require.NoError(t, err, "open the gate: %s", why)
}

// AwaitReport waits, while the child p lives, for a report that starts
// with prefix, and returns it.
func AwaitReport(t childproc.T, p *childproc.Proc, feed *childproc.Feed, prefix string) string {
	t.Helper()
	var line string
	p.Until(t, "a report "+strconv.Quote(prefix), func() bool {
		var ok bool
		line, ok = find(feed.Lines(), prefix)
		return ok
	})
	return line
}

// AwaitOrphanReport waits for the nth report that starts with prefix,
// from a program that has outlived the child: the wait ends at the latest
// when the last holder of the pipe has gone.
func AwaitOrphanReport(t childproc.T, feed *childproc.Feed, prefix string, nth int) string {
	t.Helper()
	childproc.Poll(t, "report "+strconv.Quote(prefix)+" or the end of the report pipe", func() bool {
		_, ok := findNth(feed.Lines(), prefix, nth)
		return ok || closed(feed)
	})
	line, ok := findNth(feed.Lines(), prefix, nth)
	require.True(t, ok, "the report pipe closed before report %d %q: %q", nth, prefix, feed.Lines())
	return line
}

// AllReports waits until every holder of the report pipe has gone, and
// returns everything reported.
func AllReports(t childproc.T, feed *childproc.Feed) []string {
	t.Helper()
	childproc.Poll(t, "every program holding the report pipe has ended", func() bool { return closed(feed) })
	return feed.Lines()
}

// PIDIn parses the pid out of a report such as "listener pid=123".
func PIDIn(t childproc.T, line string) int {
	t.Helper()
	_, n, _ := strings.Cut(line, "pid=")
	pid, err := strconv.Atoi(n)
	require.NoError(t, err, "report %q", line)
	return pid
}

func closed(feed *childproc.Feed) bool {
	select {
	case <-feed.Done():
		return true
	default:
		return false
	}
}

func find(lines []string, prefix string) (string, bool) { return findNth(lines, prefix, 1) }

func findNth(lines []string, prefix string, nth int) (string, bool) {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			if nth--; nth == 0 {
				return l, true
			}
		}
	}
	return "", false
}

// EndOrphan keeps pid, a grandchild that leads a group of its own, from
// outliving the proof, whatever the proof concluded. Once the child has
// ended, pid has come to the test process (a child subreaper), which
// kills and reaps it.
func EndOrphan(t childproc.T, p *childproc.Proc, pid int) {
	t.Cleanup(func() {
		select {
		case <-p.Done():
		default:
			p.Kill(t) // the proof failed before it ended the child
		}
		if procfs.State(pid) != 0 && procfs.Parent(pid) == os.Getpid() {
			childproc.ReapOrphan(t, pid)
		}
	})
}

// AwaitSurvived waits until sig, sent to the child, has been delivered
// to a handler that returned: sig is no longer pending, the child still
// catches it, and every thread of the child is asleep, read in that
// order, at two looks in a row.
//
// The Go runtime always catches the signals this topic sends, so a child
// whose Go code does not ask for sig still takes it in the runtime's
// handler, which then ends the process (dieFromSignal in
// $GOROOT/src/runtime/signal_unix.go). Once a thread of the child has
// taken the signal (it is no longer pending), the runtime's handler runs
// on that thread until the process is dying: the child is not idle. The
// handler resets the signal to its default before the process dies, so
// a child seen idle after that no longer catches it. Only a child that
// took the signal and went on is seen idle, still catching it, with
// nothing pending.
//
// Pending comes first. The thread the kernel picks to take the signal can
// be in an uninterruptible sleep when it is sent (waiting for a page from
// the disk, say): every thread then sleeps with the signal pending, and a
// look that read the threads before the pending signals could see them
// asleep, then the signal taken, and call a dying child a survivor. A run
// of the whole suite under load once reported just that, with the threads
// read first. Two looks, because each reads its files one after another.
func AwaitSurvived(t childproc.T, p *childproc.Proc, sig syscall.Signal) {
	t.Helper()
	survived := survival(sig)
	p.Until(t, childproc.SignalName(sig)+" delivered, and the child idle after it", func() bool {
		return survived(p.Pid)
	})
}

// survival returns a test of survival that holds at two looks in a row.
func survival(sig syscall.Signal) func(pid int) bool {
	seen := false
	return func(pid int) bool {
		now := !procfs.IsPending(pid, sig) && procfs.Signals(pid, procfs.Caught).Has(sig) &&
			procfs.Idle(pid) && procfs.Alive(pid)
		again := now && seen
		seen = now
		return again
	}
}

// AwaitFate waits until sig, sent to the child, has decided its fate: it
// died of the signal, or took it and went on (the state AwaitSurvived
// waits for). It reports whether the child lives. A child that survived
// cannot die of the signal any more, nor can a dead one come back, so the
// answer is final, and a proof that expects one fate fails at once on the
// other, with no time bound to wait out.
func AwaitFate(t childproc.T, p *childproc.Proc, sig syscall.Signal) (lives bool) {
	t.Helper()
	survived := survival(sig)
	p.Until(t, childproc.SignalName(sig)+" decided: the child dead of it, or idle after it", func() bool {
		return !procfs.Alive(p.Pid) || survived(p.Pid)
	})
	return procfs.Alive(p.Pid)
}

// StopSurvivor stops a child that has survived a signal, and checks that
// the stop ended it: it printed the goroutine dump that SIGQUIT asks for
// and exited 2, so it was alive and running Go code until then. A child
// that had died of the earlier signal would show that signal instead.
func StopSurvivor(t childproc.T, p *childproc.Proc) childproc.Result {
	t.Helper()
	res := p.Stop(t)
	require.Equal(t, syscall.Signal(0), res.Signal, "no signal killed it: %s", res.Status())
	require.Equal(t, 2, res.ExitCode, "it exited after dumping its goroutines on SIGQUIT: %s", res.Status())
	require.NotEmpty(t, res.Goroutines(), "the goroutine dump")
	return res
}

// KilledBy returns a proof that the child, once ready, is killed by sig,
// its default action, with a shell status of 128+sig. A child that
// survives the signal fails it as soon as that is decided (AwaitFate).
func KilledBy(sig syscall.Signal, opts ...childproc.Option) func(t childproc.T, r role.Role) {
	return func(t childproc.T, r role.Role) {
		p := childproc.Start(t, r, append([]childproc.Option{childproc.Timeout(childproc.FinishBound)}, opts...)...)
		p.WaitReady(t)
		p.Signal(t, sig)
		if AwaitFate(t, p, sig) {
			res := p.Stop(t)
			t.Fatalf("%s was caught, and the child went idle after it: it lives on, until stopped (%s)",
				childproc.SignalName(sig), res.Status())
		}
		res := p.Wait(t)
		require.Equal(t, sig, res.Signal, "%s; stderr:\n%s", res.Status(), res.Stderr)
		require.Equal(t, 128+int(sig), res.ShellCode)
		t.Logf("%s to the ready child: %s", childproc.SignalName(sig), res.Status())
	}
}
