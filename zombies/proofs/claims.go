//go:build linux

package proofs

import "procbugs/helpers/catalog"

// WaitDelayRelease is the Go release that added Cmd.Cancel and
// Cmd.WaitDelay (C084).
const WaitDelayRelease = "go1.20"

// claims carries every claim of 000 §9, §10, §15 and 001 Q7, Q14, Q16,
// Q22, Q28 that this topic checks, with what its tests observe.
var claims = []catalog.Claim{
	{ID: "C065", Source: "000 §9", Text: "exec.Command only populates the struct: \"no syscall yet\"",
		Verdict:    catalog.Imprecise,
		Observed:   "before any Start, exec.Command(\"sh\") has Path set to the absolute path PATH gives, and exec.Command of a missing program has Err \"executable file not found in $PATH\"",
		Correction: "For a bare name exec.Command runs LookPath at once (stat and access calls over PATH) and keeps any error in cmd.Err, which Start returns.",
		Test:       "zombies.TestCmdLifecycle"},
	{ID: "C066", Source: "000 §9", Text: "Start = fork+exec; pipes set up; goroutines started for stdin/out/err",
		Verdict:    catalog.Imprecise,
		Observed:   "Start with an *os.File as Stdout added 0 goroutines and the grandchild's fd 1 is that file; with a bytes.Buffer it added 1 and fd 1 is a pipe",
		Correction: "On Linux Start is a vfork-style clone (CLONE_VM|CLONE_VFORK, $GOROOT/src/syscall/exec_linux.go) and execve; a pipe and a copying goroutine exist only for stdio that is not an *os.File.",
		Test:       "zombies.TestCmdLifecycle"},
	{ID: "C067", Source: "000 §9", Text: "Cmd is single-use: after Wait you cannot Start again",
		Verdict: catalog.True,
		Observed: "a second Start: \"exec: already started\"; Run after Wait: \"exec: already started\"; a second Wait: \"exec: Wait was already called\"; " +
			"a restart loop that reuses one Cmd starts its worker once, and every later run fails with \"exec: already started\"",
		Test: "zombies.TestCmdLifecycle, zombies.TestReusedCmd"},
	{ID: "C068", Source: "000 §9", Text: "Cmd.Process is non-nil between Start and Wait; Cmd.ProcessState is non-nil after Wait returns",
		Verdict:  catalog.True,
		Observed: "Process nil before Start, set after (and still after Wait); ProcessState nil until Wait, then \"exit status 0\"",
		Test:     "zombies.TestCmdLifecycle"},
	{ID: "C069", Source: "000 §9; 001 Q7", Text: "Start without Wait leaves a zombie until someone reaps it",
		Verdict: catalog.True,
		Observed: "the exited helper stays in state Z, its parent the launcher, across an instant in which the launcher is asleep with no thread in do_wait; " +
			"with Wait in a goroutine it is gone from /proc while the launcher runs. GODEBUG=execwait=2 panics when the dropped Cmd is collected; " +
			"a leaked CommandContext keeps its watchCtx goroutine, the one goleak reports",
		Test: "zombies.TestStartWithoutWait, zombies.TestLeakDetectors"},
	{ID: "C070", Source: "000 §9", Text: "Wait waits for the child, then for the I/O goroutines, and reaps the zombie",
		Verdict: catalog.True,
		Observed: "Run stays inside Wait, in a plain receive in awaitGoroutines, after its child has exited and been reaped, while an orphan holds the stdout pipe; " +
			"WaitDelay ends that wait with ErrWaitDelay",
		Test: "zombies.TestWaitDelay, pipes.TestBackgroundHoldsPipe"},
	{ID: "C071", Source: "000 §10, §19; 001 Q7", Text: "As PID 1 you adopt orphaned grandchildren; without a reaper they stay zombies",
		Verdict: catalog.True,
		Observed: "orphans whose parent died become children of the subreaper and stay in state Z across an instant in which it is asleep with no SIGCHLD pending; " +
			"as PID 1 of a namespace, tini, dumb-init and both Go inits adopt and reap them",
		Correction: "(Orphans go to the nearest ancestor marked PR_SET_CHILD_SUBREAPER first, and to PID 1 only when there is none.)",
		Test:       "zombies.TestOrphansNeedAReaper, zombies.TestCompareInits"},
	{ID: "C072", Source: "000 §10; 001 Q7, Q28", Text: "A SIGCHLD-driven Wait4(-1, WNOHANG) loop reaps them",
		Verdict: catalog.True,
		Observed: "as PID 1, the Q28 init with the §10 loop is left with its app as its only child after a storm of three adopted zombies; so is the fixed init, whose loop reaps only unowned pids. " +
			"The loop is what makes it work: with one Wait4 per SIGCHLD, three children that exited before the reaper read its one SIGCHLD leave two zombies",
		Correction: "(Loop until Wait4 returns 0 on every SIGCHLD: one signal can stand for many exits, since the kernel keeps one SIGCHLD pending and os/signal drops what the channel cannot hold.)",
		Test:       "zombies.TestCompareInits, zombies.TestOneReapPerSIGCHLD"},
	{ID: "C073", Source: "000 §10; 001 Q28", Text: "The §10 reaper can run \"in a goroutine in main\" beside exec.Cmd.Wait (as Q28 does)",
		Verdict: catalog.False,
		Observed: "with the order forced (the child exits, the reaper makes its pass, then Wait), Wait fails with \"waitid: no child processes\" and ProcessState stays nil; " +
			"with a reaper that skips owned pids, Wait gets \"exit status 3\" and the stray child is reaped all the same",
		Correction: "Wait4(-1) steals exec.Cmd's children whenever its pass comes before Wait's. Reap only the pids nobody owns (start under a lock and record the pid; reap by pid), or give every wait to one owner, as tini does.",
		Test:       "zombies.TestNaiveReaper"},
	{ID: "C074", Source: "001 Q28", Text: "The Q28 init propagates the app's exit code and forwards signals",
		Verdict: catalog.False,
		Observed: "as PID 1, an app killed by the forwarded SIGTERM makes the Q28 init exit 255 (os.Exit(-1)), or 0 when its reaper took the status; " +
			"exit 3 becomes 0 now and then; the app's group is never signalled",
		Correction: "Map a signal death to 128+n, reap only the orphans (never the pid Wait owns), catch signals before Start, and forward to the app's process group if its children must hear it.",
		Test:       "zombies.TestGoInit, zombies.TestCompareInits"},
	{ID: "C080", Source: "001 Q22; 000 §9", Text: "Stdio that is an *os.File is passed as the descriptor (no goroutine, no copy); other io.Writers get a pipe and a copying goroutine",
		Verdict:    catalog.True,
		Observed:   "0 goroutines added and the grandchild's fd 1 is the file itself; 1 goroutine added and fd 1 a pipe for a bytes.Buffer",
		Correction: "(os/exec does this, not the runtime.)",
		Test:       "zombies.TestCmdLifecycle"},
	{ID: "C083", Source: "000 §15; 001 Q14, Q18", Text: "After WaitDelay the runtime just closes the pipes and stops waiting; it does not SIGKILL; ProcessState may show the child running",
		Verdict:    catalog.False,
		Observed:   "a child that ignores the SIGTERM Cancel sends: Wait returns \"signal: killed\" once WaitDelay has passed, and ProcessState says SIGKILL",
		Correction: "os/exec kills the child with Process.Kill once WaitDelay has passed (Cmd.WaitDelay doc; watchCtx in $GOROOT/src/os/exec/exec.go), then closes the pipes. ProcessState is set only once the child is reaped, so it never shows a running child.",
		Test:       "zombies.TestWaitDelay, signals.TestWaitDelay"},
	{ID: "C084", Source: "001 Q14", Text: "WaitDelay exists since Go 1.20",
		Verdict: catalog.True,
		Observed: "a child that sets Cmd.WaitDelay gets exec.ErrWaitDelay from Run once an orphan has held its pipe past the delay, and SIGKILL for a child that ignores the Cancel signal; " +
			"its build information names the release that built it, go1.26.8 (go1.27.3 with GOTOOLCHAIN=go1.27.3), which is Go 1.20 or later. " +
			"No toolchain before Go 1.20 runs here, so the release that added it is the one recorded below, from Go's source, not an observation",
		Test: "zombies.TestWaitDelay",
		Changes: []catalog.Change{{
			Since: WaitDelayRelease,
			Before: "exec.Cmd has neither Cancel nor WaitDelay: CommandContext kills the child with SIGKILL when the context is done, " +
				"and Wait waits with no bound for the copying goroutines, for as long as anyone holds the pipes",
			After: "Cancel replaces that kill (with a SIGTERM, say), and WaitDelay bounds the wait: once it has passed after the context is done, " +
				"os/exec kills the child and closes the pipes; without a context it bounds only the wait for I/O after the exit, and Wait returns ErrWaitDelay",
			Source: "os/exec/exec.go: Cmd.Cancel, Cmd.WaitDelay, watchCtx, awaitGoroutines; golang/go#50436",
			Test:   "zombies.TestWaitDelay",
		}}},
	{ID: "C085", Source: "001 Q14", Text: "Without WaitDelay a child that ignores SIGTERM can keep your goroutine waiting indefinitely",
		Verdict: catalog.Imprecise,
		Observed: "with Cancel overridden to send SIGTERM and no WaitDelay, the goroutine dump shows Wait in waitid and watchCtx in a plain send, with no timer; " +
			"with the default Cancel Wait returns \"signal: killed\"; without any context, an orphan holding the stdout pipe keeps Wait in a plain receive after the child is reaped",
		Correction: "Only if Cancel is overridden with a catchable signal: the default Cancel is Process.Kill. What WaitDelay fixes by default is orphaned grandchildren holding the I/O pipes.",
		Test:       "zombies.TestWaitDelay, signals.TestWaitDelay"},
	{ID: "C086", Source: "000 §15; 001 Q14, Q18", Text: "For a hard kill you must escalate to SIGKILL yourself inside Cancel (time.AfterFunc)",
		Verdict:    catalog.Imprecise,
		Observed:   "WaitDelay alone, with a SIGTERM Cancel the child ignores, ends in \"signal: killed\"",
		Correction: "Redundant: WaitDelay already escalates to Process.Kill.",
		Test:       "zombies.TestWaitDelay, signals.TestWaitDelay"},
	{ID: "C113", Source: "001 Q16", Text: "The supervise loop restarts a crashing child with exponential back-off, resets it after a long run, and stops on ctx",
		Verdict: catalog.True,
		Observed: "scaled to milliseconds: waits 2, then 3 ms (the cap), back to 2 ms after a run longer than the health threshold, and Supervise returns \"context canceled\"; " +
			"without the reset every later wait stays at the maximum",
		Correction: "(Q16's `if backoff < time.Minute { backoff *= 2 }` overshoots the cap: 32 s doubles to 64 s. The scaled copy waits 4 ms under a 3 ms cap; min(2*backoff, max) keeps it.)",
		Test:       "zombies.TestSupervisor"},
}
