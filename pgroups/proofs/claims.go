//go:build linux

package proofs

import "procbugs/helpers/catalog"

// SetuidChange is what Go 1.16 changed in syscall.Setuid on Linux.
var SetuidChange = catalog.Change{
	Since: "go1.16",
	Before: "syscall.Setuid, Setgid and their kin returned EOPNOTSUPP on Linux and changed nothing: the system call " +
		"changes the calling thread alone, which callers do not expect (golang/go#1435); only a raw system call " +
		"changed an id, of one thread",
	After: "they change every thread of the process: through AllThreadsSyscall, or through the C library's " +
		"setuid in a program that uses cgo",
	Source: "syscall/syscall_linux.go, Setuid: AllThreadsSyscall(sys_SETUID, ...) without cgo, " +
		"cgocaller(cgo_libc_setuid, ...) with it",
	Test: "pgroups.TestSetuidChangesEveryThread",
}

// claims carries every claim of 000 §3, §4, §5, §14, §16 and 001 Q13, Q20,
// with what this topic's tests observe.
var claims = []catalog.Claim{
	{
		ID: "C032", Source: "000 §3; 001 Q13", Verdict: catalog.True,
		Text:     "A child inherits the parent's process group ID by default.",
		Observed: "A helper started without Setpgid has the tool's pgid (/proc/pid/stat field 5).",
		Test:     "pgroups.TestCtrlC",
	},
	{
		ID: "C033", Source: "000 §3; 001 Q13", Verdict: catalog.True,
		Text: "On Ctrl-C the kernel delivers SIGINT to every process in the foreground process group.",
		Observed: "Ctrl-C typed at a pseudo-terminal whose foreground group is the tool's (tcgetpgrp) reached the tool " +
			"and its helper in the same group: the helper, cat, was killed by SIGINT before the tool closed its input.",
		Test: "pgroups.TestCtrlC",
	},
	{
		ID: "C034", Source: "001 Q13; 000 §3", Verdict: catalog.Imprecise,
		Text: "With Setpgid the child no longer receives terminal-generated signals unless the parent forwards them.",
		Observed: "A helper started with Setpgid leads its own group; Ctrl-C at the terminal reached the tool alone, and the " +
			"helper finished its input and exited 0 when the tool closed it. But a prompt started with Setpgid that read " +
			"the same terminal was stopped inside its read(2) of it (state T, every thread in do_signal_stop): SIGTTIN, sent to its group.",
		Correction: "It no longer gets the signals typed at the keyboard (Ctrl-C, Ctrl-Z). It gets others instead: in a group of " +
			"its own it is a background job, and reading the terminal makes the kernel send its group SIGTTIN, which stops it. " +
			"A child that reads the terminal needs Setsid, or Foreground (pgroups.TestBackgroundJob).",
		Test: "pgroups.TestCtrlC, pgroups.TestBackgroundJob",
	},
	{
		ID: "C035", Source: "000 §3", Verdict: catalog.True,
		Text:     "Setpgid: true with Pgid: 0 makes a new group whose ID equals the child's PID.",
		Observed: "The leader's workers have the leader's pid as pgid, and kill(-leader) reaches them.",
		Test:     "pgroups.TestKillLeader",
	},
	{
		ID: "C036", Source: "000 §3, §13; 001 Q13, Q20", Verdict: catalog.True,
		Text:     "syscall.Kill(-pid, sig) on a Setpgid child signals the whole group, grandchildren included.",
		Observed: "kill(-pgid, SIGKILL) ended the leader and both workers: zombies re-parented to the subreaper, wait status SIGKILL.",
		Test:     "pgroups.TestKillLeader",
	},
	{
		ID: "C037", Source: "000 §3", Verdict: catalog.False,
		Text: "Without Setpgid, syscall.Kill(-pid, sig) signals your own group, which often includes the parent.",
		Observed: "kill(-pid, SIGTERM) on a child started without Setpgid returned ESRCH; the child ran on with no signal pending, " +
			"in its parent's group, while the parent waited for it.",
		Correction: "The child leads no group, so -pid names none: kill fails with ESRCH and signals nobody. " +
			"The caller's own group is kill(0, sig) or kill(-getpgrp(), sig).",
		Test: "pgroups.TestNegativePID",
	},
	{
		ID: "C038", Source: "000 §19", Verdict: catalog.True,
		Text:     "Signalling the leader instead of the group leaves the child's children alive.",
		Observed: "After Process.Kill of the leader both workers still run, re-parented to the subreaper, in the leader's old group.",
		Test:     "pgroups.TestKillLeader",
	},
	{
		ID: "C039", Source: "000 §3, §14", Verdict: catalog.True,
		Text:     "Setsid: true puts the child in a new session, detached from the controlling terminal.",
		Observed: "sid = pgid = the worker's pid and tty_nr 0, while its parent's session has a pseudo-terminal (tty_nr != 0).",
		Test:     "pgroups.TestSetsidWithSetpgid",
	},
	{
		ID: "C040", Source: "000 §4", Verdict: catalog.False,
		Text: "The Linux SysProcAttr example {Setpgid, Pgid: 0, Setsid, Pdeathsig, Credential, Cloneflags} is usable.",
		Observed: "Start fails with EPERM as written; without Setpgid the worker runs as pid 1 of a new PID namespace " +
			"(NSpid \"N 1\" in /proc/N/status) with uid 65534. Setsid with Setpgid alone is EPERM too, unprivileged.",
		Correction: "Setsid and Setpgid exclude each other: the child calls setsid() and then setpgid(0, 0) " +
			"(syscall/exec_linux.go, forkAndExecInChild1), which Linux refuses to a session leader. Setsid already makes a new group.",
		Test: "pgroups.TestTextsLinuxSysProcAttr, pgroups.TestSetsidWithSetpgid",
	},
	{
		ID: "C041", Source: "000 §4", Verdict: catalog.True,
		Text: "SysProcAttr differs per OS: Linux has Cloneflags and AmbientCaps, Darwin doesn't, Windows has HideWindow and CreationFlags.",
		Observed: "A probe that sets each field, compiled for each GOOS: linux lacks only HideWindow and CreationFlags; " +
			"freebsd also lacks Cloneflags and AmbientCaps; darwin also Pdeathsig; windows has HideWindow and CreationFlags " +
			"and lacks Setpgid, Setsid, Pdeathsig, Credential, Cloneflags and AmbientCaps.",
		Test: "pgroups.TestSysProcAttrPerPlatform",
	},
	{
		ID: "C042", Source: "000 §4", Verdict: catalog.True,
		Text: "Build-tagged proc_unix.go (//go:build unix) and proc_windows.go make cross-compilation work.",
		Observed: "The package compiles for linux, freebsd, darwin and windows, with proc_windows.go on windows and " +
			"proc_unix.go elsewhere; on Linux, the child that proc_unix.go's attributes start leads its own group and kill(-pid) ends it.",
		Test: "pgroups.TestSysProcAttrPerPlatform, pgroups.TestPortableSysProcAttr",
	},
	{
		ID: "C043", Source: "000 §4", Verdict: catalog.Imprecise,
		Text:       "Pdeathsig is Linux-only.",
		Observed:   "The compiler accepts SysProcAttr.Pdeathsig for linux and freebsd, not for darwin or windows.",
		Correction: "Linux and FreeBSD (syscall/exec_freebsd.go: \"Linux and FreeBSD only\").",
		Test:       "pgroups.TestSysProcAttrPerPlatform",
	},
	{
		ID: "C044", Source: "000 §4", Verdict: catalog.Imprecise,
		Text:     "Pdeathsig: if the parent dies, the kernel sends the named signal to the child.",
		Observed: "Parent killed: the worker died of SIGTERM. But a worker started from a locked goroutine that returned died of SIGTERM while its parent ran on.",
		Correction: "It fires when the thread that forked the child exits (syscall/exec_linux.go, Pdeathsig doc; golang/go#27505). " +
			"Start such children from a thread that lives as long as they do.",
		Test: "pgroups.TestPdeathsigThread",
	},
	{
		ID: "C045", Source: "000 §4", Verdict: catalog.False,
		Text:     "Pair Pdeathsig with Setpgid for \"kill the whole tree if I crash\".",
		Observed: "Parent killed: the leader (Setpgid, Pdeathsig) died of SIGTERM; its two workers in its group ran on, re-parented.",
		Correction: "The parent-death signal goes to the direct child only; nothing signals its group. Use a PID namespace " +
			"(its init's death kills all), a cgroup, or a child that forwards the signal to its group.",
		Test: "pgroups.TestPdeathsigIsNotATreeKill",
	},
	{
		ID: "C046", Source: "000 §5", Verdict: catalog.True,
		Text:     "Credential{Uid: 65534, Gid: 65534, Groups: []} runs the child as nobody with no supplementary groups; the parent stays root.",
		Observed: "The worker's /proc/pid/status: Uid and Gid 65534 (real, effective, saved, fs), Groups empty; the parent kept Uid 0 and Groups 4 27.",
		Test:     "pgroups.TestCredential",
	},
	{
		ID: "C047", Source: "000 §5", Verdict: catalog.True,
		Text: "The privilege drop happens between fork and exec.",
		Observed: "The worker's code never calls setuid, yet it was already unprivileged when it ran: opening the file by name " +
			"failed with EACCES, and /proc shows uid 65534. syscall/exec_linux.go calls setgroups, setgid, setuid in the child before execve.",
		Test: "pgroups.TestCredential",
	},
	{
		ID: "C048", Source: "000 §5", Verdict: catalog.True,
		Text:     "If the credential change fails, Start returns the error.",
		Observed: "A parent no longer root that asks for Credential{Uid: 0} gets EPERM from Start.",
		Test:     "pgroups.TestCredential",
	},
	{
		ID: "C049", Source: "000 §5", Verdict: catalog.True,
		Text:     "File descriptors opened as root stay usable by the unprivileged child (pair with ExtraFiles).",
		Observed: "The worker as 65534 reads \"top secret\" from descriptor 3, and opening the file by name fails with EACCES.",
		Test:     "pgroups.TestCredential",
	},
	{
		ID: "C050", Source: "000 §5", Verdict: catalog.False,
		Text: "Don't use os.Setuid: Linux's setuid only affects the calling thread; syscall.Setuid is even worse, it's the raw syscall.",
		Observed: "In a program built without cgo: after syscall.Setuid(65534) every thread has uid 65534; after " +
			"RawSyscall(SYS_SETUID) the calling thread has, and the four threads locked before the call are still root " +
			"(/proc/pid/task/tid/status).",
		Correction: "There is no os.Setuid. Since Go 1.16 syscall.Setuid, Setgid and Setgroups run on every thread: through " +
			"AllThreadsSyscall, or in a program that uses cgo through the C library's setuid, which does the same " +
			"(syscall/syscall_linux.go, Setuid). Only the raw system call is per-thread. " +
			"The real cost is that the whole process loses root for good (pgroups.TestCredential).",
		Test:    "pgroups.TestSetuidChangesEveryThread",
		Changes: []catalog.Change{SetuidChange},
	},
	{
		ID: "C079", Source: "000 §13; 001 Q20", Verdict: catalog.True,
		Text:     "cmd.Process.Signal targets only the child's PID; use syscall.Kill(-pid) for the group.",
		Observed: "Process.Kill ended the leader alone; kill(-pgid) ended the leader and its workers.",
		Test:     "pgroups.TestKillLeader",
	},
	{
		ID: "C081", Source: "000 §14", Verdict: catalog.True,
		Text:     "Setsid: true, Start and the parent's exit are steps 1-2 of daemonising: the child survives in a new session with no terminal.",
		Observed: "After the service exited and its group was killed, the server ran on: re-parented, sid = pgid = its pid, tty_nr 0.",
		Test:     "pgroups.TestDaemonize",
	},
	{
		ID: "C082", Source: "000 §14", Verdict: catalog.True,
		Text:     "The second fork guards against a session leader reacquiring a controlling terminal.",
		Observed: "A session leader that opens a pseudo-terminal gets it as controlling terminal (tty_nr = the device); its child, not a leader, opening the same keeps tty_nr 0.",
		Test:     "pgroups.TestSecondForkKeepsTerminalAway",
	},
	{
		ID: "C087", Source: "000 §16", Verdict: catalog.True,
		Text:     "FindProcess plus Wait on a process you did not fork returns an error.",
		Observed: "Wait on the parent's pid returns ECHILD. FindProcess itself never fails on Unix, so the text's err check catches nothing.",
		Test:     "pgroups.TestProcessHandles",
	},
	{
		ID: "C088", Source: "001 Q20", Verdict: catalog.Imprecise,
		Text:     "os.Process.Signal returns os.ErrProcessDone once the process has exited; syscall.Kill returns ESRCH.",
		Observed: "Exited but not reaped (a zombie): both return nil. After Wait: os.ErrProcessDone, and kill(pid, 0) ESRCH.",
		Correction: "Only once the process has been reaped; a zombie still accepts signals. After reaping, the pid is free " +
			"for the kernel to reuse, which is why syscall.Kill on it is a gamble (pgroups.TestStalePidfile).",
		Test: "pgroups.TestProcessHandles",
	},
	{
		ID: "C089", Source: "001 Q20", Verdict: catalog.Imprecise,
		Text:     "os.Process.Signal does not expose signalling a process group.",
		Observed: "os.FindProcess(-pgid).Signal(SIGTERM) returned nil and ended both members of the group.",
		Correction: "Not documented, but on Unix FindProcess(-pgid) falls back to a pid-based handle (pidfd_open refuses it; " +
			"os/exec_unix.go, findProcess) and Signal calls kill(-pgid, sig). Prefer syscall.Kill(-pgid, sig), which says what it does.",
		Test: "pgroups.TestProcessHandles",
	},
	{
		ID: "C090", Source: "001 Q20", Verdict: catalog.Imprecise,
		Text:     "os.Process.Signal is portable; syscall.Kill is Unix-only.",
		Observed: "Compiled for windows, syscall.Kill is undefined; (*os.Process).Signal compiles for linux, freebsd, darwin and windows.",
		Correction: "Signal compiles everywhere, but on Windows it supports only os.Kill (os/exec_windows.go, signal); " +
			"any other signal returns an error.",
		Test: "pgroups.TestSysProcAttrPerPlatform",
	},
}
