package zombies

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"procbugs/helpers/childproc"
)

// namespaces is the clone flags and mappings that make a child PID 1 of a
// fresh PID namespace, with a mount namespace of its own for its /proc. As
// root that is all; otherwise a user namespace maps the caller to root in
// it (as `unshare -Urpf --mount-proc` does).
func namespaces(a *syscall.SysProcAttr) {
	a.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	if os.Geteuid() != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
}

// namespacesDenied says why this machine will not give a child a PID
// namespace (seccomp in a container, user namespaces switched off), or ""
// when it will. It tries once, with /bin/true.
var namespacesDenied = sync.OnceValue(func() string {
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	namespaces(cmd.SysProcAttr)
	if err := cmd.Run(); err != nil {
		return fmt.Sprintf("no PID namespace here (clone flags %#x: %v)", cmd.SysProcAttr.Cloneflags, err)
	}
	return ""
})

// becomeInit prepares a role to be a container's init. As PID 1 of its own
// namespace it mounts a /proc that shows that namespace, as a container
// runtime does, after making its mounts private so that nothing leaks to
// the host. Elsewhere it makes itself a child subreaper, the nearest thing
// to PID 1 a process can be without privilege.
func becomeInit() error {
	announce(sleeper, forker)
	if os.Getpid() != 1 {
		return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	return nil
}

// app is the main child of every init scenario. Its first argument names
// the scenario:
//
//	exit N   exit with status N
//	kill     die of SIGKILL
//	term     start a grandchild, stop it, wait for SIGTERM, report whether
//	         the grandchild was sent it too, then die of SIGTERM
//	storm    leave orphans for the init to reap, then wait for SIGTERM
//	leave    start a grandchild, wait until the test closes the gate
//	         (descriptor 5), and exit 0 while the grandchild still runs
var app = childproc.Register("zombies/app", func(args []string) int {
	switch args[0] {
	case "exit":
		code, _ := strconv.Atoi(args[1])
		return code
	case "kill":
		// A process may always signal itself.
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	case "term":
		return appTerm()
	case "storm":
		return appStorm()
	case "leave":
		if _, err := startSleeper(); err != nil {
			note("app error: %v", err)
			return 1
		}
		note("app started grandchild")
		os.NewFile(5, "gate").Read(make([]byte, 1)) // EOF once the test has seen the grandchild
		note("app leaves grandchild")
		return 0
	}
	note("app: unknown scenario %q", args)
	return 2
})

func appTerm() int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	gc, err := startSleeper()
	if err != nil {
		note("app error: %v", err)
		return 1
	}
	// A stopped process keeps every signal sent to it pending, where
	// /proc shows it: the grandchild becomes a witness of what reached it.
	gc.Process.Signal(syscall.SIGSTOP)
	var info unix.Siginfo
	unix.Waitid(unix.P_PID, gc.Process.Pid, &info, unix.WSTOPPED|unix.WNOWAIT, nil)
	note("app ready")
	<-sigs
	// kill(2) to a group queues the signal on every member before it
	// returns, so whatever the init sent the group is pending by now.
	note("app saw SIGTERM; grandchild has pending: %s", pending(gc.Process.Pid))
	gc.Process.Kill()
	gc.Wait()
	signal.Reset(syscall.SIGTERM)
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	blockForever()
	return 0
}

func appStorm() int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	if err := childproc.Command(forker, strconv.Itoa(orphanCount)).Run(); err != nil {
		note("app error: forker: %v", err)
		return 1
	}
	// The forker saw each orphan exit before it died itself: they are all
	// zombies of the init now, until it reaps them.
	note("app made %d orphans", orphanCount)
	<-sigs
	note("app saw SIGTERM")
	return 0
}

// sleeper is a grandchild that reports SIGTERM if it ever runs its handler.
var sleeper = childproc.Register("zombies/sleeper", func([]string) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	fmt.Println("ready")
	<-sigs
	note("grandchild saw SIGTERM")
	blockForever()
	return 0
})

// startSleeper starts a sleeper and returns once it has its handler.
func startSleeper() (*exec.Cmd, error) {
	cmd := childproc.Command(sleeper)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		return nil, fmt.Errorf("sleeper said %q: %v", line, err)
	}
	return cmd, nil
}

// pending names the signals queued for pid and not yet delivered, for the
// process (ShdPnd) or its main thread (SigPnd), from /proc/pid/status.
func pending(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return err.Error()
	}
	var mask uint64
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		if k == "ShdPnd" || k == "SigPnd" {
			m, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			mask |= m
		}
	}
	var names []string
	for sig := syscall.Signal(1); sig < 64; sig++ {
		if mask&(1<<(sig-1)) != 0 {
			names = append(names, childproc.SignalName(sig))
		}
	}
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ",")
}

// underInit is PID 1 replaced by a real init: it prepares the namespace as
// becomeInit does, then execs the init named by its first argument, which
// runs the app with the remaining arguments. Debian's tini needs "--"
// before the child's arguments (its getopt would take them otherwise);
// dumb-init accepts it too.
var underInit = childproc.Register("zombies/under-init", func(args []string) int {
	if err := becomeInit(); err != nil {
		note("init error: %v", err)
		return 1
	}
	cmd := childproc.Command(app, args[1:]...)
	argv := append([]string{filepath.Base(args[0]), "--", cmd.Path}, cmd.Args[1:]...)
	err := syscall.Exec(args[0], argv, cmd.Env)
	note("init error: exec %s: %v", args[0], err)
	return 127
})

// announce tells the harness which roles the app may start. The app's own
// children cannot reach the control pipe (it is close-on-exec), so the
// init names them for the check that every registered role is used.
func announce(roles ...childproc.Role) {
	for _, r := range roles {
		childproc.Command(r)
	}
}
