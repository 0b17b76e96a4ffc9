package pgroups

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// The scenario runs as PID 1 of a PID namespace of its own, with its own
// /proc, so that it can make the kernel recycle a pid on demand: writing
// ns_last_pid there touches that namespace alone (pid_namespaces(7)).
var pidfileBroken, pidfileFixed = pair("pgroups/stale-pidfile", func(c code, args []string) int {
	if err := mountOwnProc(); err != nil {
		return fail("mount /proc", err)
	}
	path := filepath.Join(args[0], "daemon.pid")

	daemon := childproc.Command(sleeper)
	if err := daemon.Start(); err != nil {
		return fail("start daemon", err)
	}
	pid, started := daemon.Process.Pid, startTime(daemon.Process.Pid)
	if err := os.WriteFile(path, fmt.Appendf(nil, "%d %d\n", pid, started), 0o644); err != nil {
		return fail("write pidfile", err)
	}
	childproc.EmitPID("daemon", pid)
	daemon.Process.Kill()
	childproc.Emitf("daemon ended: %v", daemon.Wait()) // reaped: its pid is free

	// Recycle the pid, as a busy machine eventually does, and later: start
	// times count clock ticks, so let one pass first.
	waitPastTick(started)
	if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0); err != nil {
		return fail("ns_last_pid", err)
	}
	stranger := childproc.Command(sleeper)
	if err := stranger.Start(); err != nil {
		return fail("start stranger", err)
	}
	childproc.EmitPID("stranger", stranger.Process.Pid)
	childproc.Emitf("start ticks: daemon %d, stranger %d", started, startTime(stranger.Process.Pid))

	err := c.SignalPidfile(path, syscall.SIGTERM)
	childproc.Emitf("signal the pidfile's daemon: %v", errOrNil(err))
	if err != nil {
		// Nothing was sent: end the stranger ourselves.
		stranger.Process.Kill()
	}
	childproc.Emitf("stranger ended: %v", stranger.Wait())
	return 0
})

// waitPastTick returns once the boot-time clock of /proc/uptime, in clock
// ticks (USER_HZ, 100 a second), has passed tick.
func waitPastTick(tick int) {
	for {
		b, err := os.ReadFile("/proc/uptime")
		if err != nil {
			return
		}
		var secs float64
		fmt.Sscan(string(b), &secs)
		if int(secs*100) > tick {
			return
		}
		time.Sleep(time.Millisecond) // the scenario's passing time, not a synchronisation
	}
}

// mountOwnProc mounts a /proc that shows this PID namespace, in a mount
// namespace of its own, made private first so that nothing propagates out.
func mountOwnProc() error {
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	return unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

func errOrNil(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// StalePidfile is the pidfile of 000 §16 once its daemon has died.
var StalePidfile = catalog.Entry{
	ID:    "pgroups/stale-pidfile",
	Title: "Signalling the pid in a stale pidfile hits whatever process has that pid now",
	Symptom: "\"reload\" or \"stop\" kills an unrelated process: the daemon had crashed, and its pid had " +
		"been given to someone else.",
	Cause: "A pid names a process only while it lives (and until it is reaped). The kernel recycles free " +
		"pids; FindProcess never fails on Unix and Signal reaches whatever holds the number.",
	Fix: "Record the start time with the pid (field 22 of /proc/pid/stat), take a handle first " +
		"(os.FindProcess opens a pidfd on Linux since Go 1.23), then check the start time: a handle " +
		"whose start time matches is the daemon, and a later recycling cannot redirect it.",
	Sources: []string{"000 §16", "001 Q20"},
	Refs:    []string{"pidfd_open(2)", "proc_pid_stat(5): starttime", "os/exec_unix.go, findProcess"},
	Func:    "SignalPidfile",
	Test:    "TestStalePidfile",
	Tree:    true,
	Broken: catalog.Half{
		Says:  "the SIGTERM meant for a dead daemon kills the stranger that got its pid",
		Role:  pidfileBroken,
		Prove: proveStrangerKilled,
	},
	Fixed: catalog.Half{
		Says:  "the start time shows the pid was recycled, and nothing is sent",
		Role:  pidfileFixed,
		Prove: proveStrangerSpared,
	},
}

// recyclePid runs the scenario in new PID and mount namespaces and checks
// that the stranger really got the daemon's pid. As root it needs nothing
// more; otherwise it adds a user namespace in which the user is root.
func recyclePid(t childproc.T, role childproc.Role) (res childproc.Result, pid int) {
	probe := exec.Command("/bin/true")
	probe.SysProcAttr = namespaceAttr()
	if err := probe.Run(); err != nil {
		childproc.SkipWith(t, "needs PID and mount namespaces (root, or user namespaces): "+err.Error(), role)
	}
	res = childproc.Run(t, role, childproc.Args(childproc.TempDir(t)),
		childproc.Timeout(5*time.Second),
		childproc.Attr(func(a *syscall.SysProcAttr) {
			ns := namespaceAttr()
			a.Cloneflags, a.UidMappings, a.GidMappings = ns.Cloneflags, ns.UidMappings, ns.GidMappings
		}))
	require.Equal(t, 0, res.ExitCode, "%s\n%v", res.Stderr, res.Events)
	daemon, stranger := pidsIn(res.Events, "daemon"), pidsIn(res.Events, "stranger")
	require.Len(t, daemon, 1)
	require.Equal(t, daemon, stranger, "the stranger got the dead daemon's pid")
	assert.Contains(t, res.Events, "daemon ended: signal: killed")
	return res, daemon[0]
}

// namespaceAttr gives a child PID and mount namespaces of its own:
// directly as root, else inside a user namespace that maps the caller's
// ids to root (user_namespaces(7)).
func namespaceAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS}
	if os.Geteuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	return a
}

func proveStrangerKilled(t childproc.T, role childproc.Role) {
	res, pid := recyclePid(t, role)
	assert.Contains(t, res.Events, "signal the pidfile's daemon: nil")
	assert.Equal(t, "stranger ended: signal: terminated", res.LastEvent())
	t.Logf("daemon %d died; its pid went to a stranger; the pidfile's SIGTERM: %s", pid, res.LastEvent())
}

func proveStrangerSpared(t childproc.T, role childproc.Role) {
	res, pid := recyclePid(t, role)
	refusal := res.Events[len(res.Events)-2]
	assert.Contains(t, refusal, fmt.Sprintf("stale pidfile: pid %d started at tick", pid))
	assert.Equal(t, "stranger ended: signal: killed", res.LastEvent(), "no SIGTERM reached it")
	t.Logf("daemon %d died; its pid went to a stranger; %s", pid, refusal)
}
