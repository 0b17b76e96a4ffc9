//go:build unix

package proofs

import "procbugs/helpers/catalog"

// claims carries the termination claims of the source texts, with what
// the topic's tests observe in child processes.
var claims = []catalog.Claim{
	{ID: "C001", Source: "000 §1", Text: "Returning from main runs main's deferred calls; exit code 0",
		Verdict:  catalog.True,
		Observed: "row \"return from main\": the deferred call and the deferred Flush of main ran, exit 0",
		Test:     "termination.TestTable"},
	{ID: "C002", Source: "000 §1", Text: "Other goroutines are killed mid-execution when main returns; their deferred calls do not run",
		Verdict:  catalog.True,
		Observed: "row \"return from main\": the deferred call of a goroutine blocked for ever never ran",
		Test:     "termination.TestTable"},
	{ID: "C003", Source: "000 §1, §11", Text: "Finalizers are not run at exit, and not guaranteed to run",
		Verdict: catalog.True,
		Observed: "no row of the table ran the finalizer of unreachable garbage (collector off: only the exit could have); " +
			"after runtime.GC one ran (TestFinalizerRunsAfterGC); a runtime.AddCleanup never removed a lock file " +
			"before exit (TestLockOutlivesProcess)",
		Test: "termination.TestTable, termination.TestFinalizerRunsAfterGC"},
	{ID: "C004", Source: "000 §1, §11, §19; 001 Q2, Q10", Text: "os.Exit(n) runs no deferred calls in any goroutine; exit status n",
		Verdict: catalog.Imprecise,
		Observed: "row \"os.Exit(3)\": exit 3, neither the calling goroutine's nor another goroutine's deferred call ran; " +
			"os.Exit(256) exited 0 and os.Exit(-1) 255 (TestExitStatusWraps)",
		Correction: "No deferred call runs, but the status is n only for 0 <= n <= 255: the parent sees the low 8 bits of n, " +
			"so os.Exit(256) reports success. os.Exit's doc asks for [0, 125] where a program must be portable.",
		Test: "termination.TestTable, termination.TestExitStatusWraps"},
	{ID: "C005", Source: "000 §1", Text: "os.Exit does not flush buffered output (the example leaves out.txt empty)",
		Verdict:  catalog.True,
		Observed: "ExitWithReport (the §1 example with a status): exit 1 and a report file of 0 bytes",
		Test:     "termination.TestExitSkipsDefers"},
	{ID: "C006", Source: "000 §1; 001 Q2", Text: "The run() error pattern: every deferred call in run fires before main sees the error",
		Verdict:  catalog.True,
		Observed: "fixed ExitWithReport: the file holds every line before os.Exit; fixed Migrate removes its lock before main exits 1",
		Test:     "termination.TestExitSkipsDefers, termination.TestFatalInHelper"},
	{ID: "C007", Source: "000 §1; 001 Q10", Text: "log.Fatal is log.Print then os.Exit(1): no deferred calls, exit 1",
		Verdict:  catalog.True,
		Observed: "row \"log.Fatal\": the timestamped message on stderr, no deferred call, no Flush, exit 1",
		Test:     "termination.TestTable"},
	{ID: "C008", Source: "000 §1", Text: "log.Panic is log.Print then panic: the calling goroutine's deferred calls run, others' don't; exit 2",
		Verdict: catalog.True,
		Observed: "row \"log.Panic\": the calling goroutine's deferred calls ran, the other's did not, exit 2; " +
			"stderr shows the message twice: the timestamped log line, then \"panic: boom\" and the stack",
		Test: "termination.TestTable"},
	{ID: "C009", Source: "000 §1; 001 Q10", Text: "An uncaught panic runs the panicking goroutine's deferred calls, not the others'; stack to stderr; exit 2",
		Verdict: catalog.True,
		Observed: "rows \"panic, not recovered\" in main and in another goroutine: the panicking goroutine's deferred calls ran, " +
			"the other's did not; \"panic: boom\" and the stack of the panicking goroutine only (GOTRACEBACK=single, the default); exit 2",
		Test: "termination.TestTable"},
	{ID: "C010", Source: "000 §1", Text: "After a recovered panic the process continues",
		Verdict:  catalog.True,
		Observed: "row \"panic, recovered\": the program went on and returned from main, exit 0",
		Test:     "termination.TestTable"},
	{ID: "C011", Source: "000 §11", Text: "recover in a deferred function stops the unwinding and 'returns control to that frame'",
		Verdict:  catalog.Imprecise,
		Observed: "the statement after the panicking call never ran; the function returned to its caller the result its deferred call set",
		Correction: "Execution does not resume inside the frame: the function whose deferred call recovered returns normally to its caller, " +
			"with its named results as the deferred calls left them.",
		Test: "termination.TestTable"},
	{ID: "C012", Source: "000 §11, §19", Text: "recover is goroutine-local: main's deferred recover does not catch a panic in another goroutine",
		Verdict: catalog.True,
		Observed: "broken ProcessAll: a worker's index-out-of-range panic ended the process with exit 2; the recover in ProcessAll " +
			"caught nothing and main's deferred call never ran",
		Test: "termination.TestPanicInGoroutine"},
	{ID: "C013", Source: "000 §11", Text: "`defer fmt.Println(\"bye\")` runs on panic but not on os.Exit",
		Verdict:  catalog.True,
		Observed: "rows \"panic, not recovered, in main\" (the deferred call ran) and \"os.Exit(3)\" (it did not)",
		Test:     "termination.TestTable"},
	{ID: "C014", Source: "000 §12; 001 Q10", Text: "runtime.Goexit runs the calling goroutine's deferred calls and ends only that goroutine",
		Verdict: catalog.True,
		Observed: "rows \"runtime.Goexit in main, another goroutine still working\": main's deferred calls ran, " +
			"then the other goroutine worked on and returned",
		Test: "termination.TestTable"},
	{ID: "C015", Source: "000 §1, §12; 001 Q10", Text: "Goexit in the last live goroutine: the runtime exits 'with a stack dump' and code 2",
		Verdict: catalog.Imprecise,
		Observed: "main called Goexit and no goroutine was left. Program without cgo: exit 2 with the one line " +
			"\"fatal error: no goroutines (main called runtime.Goexit) - deadlock!\" and no stack. The same program linking " +
			"runtime/cgo: it never exits; main's deferred calls ran, then every thread of the live process slept, nothing was " +
			"printed, and a SIGQUIT dump held only the runtime's goroutines",
		Correction: "Exit 2, but with one line and no stack dump, and only in a program without cgo. A program that links " +
			"runtime/cgo (one that imports net, or any package with C code, built where a C compiler is found) never exits: " +
			"the deadlock check (checkdead, $GOROOT/src/runtime/proc.go) counts the extra thread cgo keeps for calls from C " +
			"as running and never fires. Only main's Goexit can leave no goroutine: another goroutine's Goexit ends just that goroutine.",
		Test: "termination.TestTable"},
	{ID: "C016", Source: "000 §12", Text: "t.FailNow and t.Fatal use runtime.Goexit, so a test bails out without killing the test binary",
		Verdict: catalog.True,
		Observed: "in a child test run, TestDeploy's FailNow stopped it (its deferred call ran) and TestNext still ran; " +
			"called from another goroutine, it ended only that goroutine and TestDeploy went on",
		Test: "termination.TestFatalFromGoroutine"},
	{ID: "C017", Source: "000 §1", Text: "A process killed by a signal runs no deferred calls",
		Verdict:  catalog.True,
		Observed: "rows SIGKILL, SIGTERM and SIGQUIT: no deferred call ran in any goroutine, the buffered line was lost",
		Test:     "termination.TestTable"},
	{ID: "C018", Source: "000 §1", Text: "Killed by a signal: exit code 128+sig (the shell's convention); 'the kernel terminates immediately'",
		Verdict: catalog.Imprecise,
		Observed: "SIGKILL: killed, 137; SIGTERM: killed by SIGTERM, 143; SIGQUIT: exit 2 with \"SIGQUIT: quit\", " +
			"every goroutine's stack and the registers",
		Correction: "Only SIGKILL is an immediate kill by the kernel. Go's handler catches SIGTERM first and raises it again with the default action " +
			"(dieFromSignal, $GOROOT/src/runtime/signal_unix.go), so the status still says SIGTERM; SIGQUIT makes a Go program dump its goroutines " +
			"and exit 2, not 131.",
		Test: "termination.TestTable"},
	{ID: "C019", Source: "000 §18", Text: "The shell's convention: 'SIGKILL = 9137'",
		Verdict:    catalog.False,
		Observed:   "sh: `\"$0\" block & kill -KILL $!; wait $!; echo $?` prints 137",
		Correction: "128 + 9 = 137: the text ran the two numbers together.",
		Test:       "termination.TestExitStatus"},
	{ID: "C020", Source: "000 §18", Text: "ExitError.ExitCode() is -1 for a signal kill; WaitStatus.Signaled, Signal and ExitStatus give the details",
		Verdict:  catalog.True,
		Observed: "ExitCode() -1 for grandchildren killed by SIGKILL and SIGTERM, 3 for one that exited 3; WaitStatus.Signaled and Signal name the signal",
		Test:     "termination.TestExitStatus"},
	{ID: "C021", Source: "000 §11; 001 Q2", Text: "os.Exit 'calls the C exit(2) syscall directly'; 'no Go-side cleanup happens'",
		Verdict:  catalog.Imprecise,
		Observed: "row \"os.Exit(3)\": no deferred call, no Flush, no finalizer; the process ended with status 3 at once",
		Correction: "os.Exit runs the runtime's exit hooks (runtime_beforeExit: race detector, coverage) and then syscall.Exit, the raw exit_group(2) " +
			"system call ($GOROOT/src/os/proc.go, Exit); it is not the C library's exit(3), so no atexit handler or stdio flush runs. Unlike a return " +
			"from main, it does not wait for a goroutine that is printing a panic.",
		Test: "termination.TestTable"},
	{ID: "C114", Source: "000 §19", Text: "'Wait returns success but child didn't run': forgot to call Start, or cmd.Stderr set to a closed file",
		Verdict: catalog.False,
		Observed: "Wait without Start returns \"exec: not started\" (TestWaitWithoutStart); with a closed *os.File as Stderr the child ran, " +
			"its stderr was /dev/null and Run returned nil",
		Correction: "Neither gives a success without a run. The real mistake is the closed Stderr file: the child does run, Run returns nil, " +
			"and everything it wrote to stderr is lost.",
		Test: "termination.TestClosedStderr, termination.TestWaitWithoutStart"},
	{ID: "C091", Source: "000 §17", Text: "os/exec errors are typed: *ExitError for a non-zero exit, *PathError, and errors.Is " +
		"with fs.ErrPermission, ErrNotExist and ErrExist for EACCES, ENOENT and EEXIST",
		Verdict: catalog.True,
		Observed: "exit 2: *exec.ExitError; a file without x: *fs.PathError, ErrPermission; a missing path: *fs.PathError, " +
			"ErrNotExist; O_EXCL on an existing file: ErrExist; a name missing from PATH: *exec.Error, ErrNotFound and not ErrNotExist",
		Correction: "True, with one trap: a bare name that LookPath cannot find gives *exec.Error wrapping exec.ErrNotFound, " +
			"for which errors.Is(err, fs.ErrNotExist) is false.",
		Test: "termination.TestTypedErrors"},
	{ID: "C092", Source: "000 §17; 001 Q21", Text: "os.IsNotExist and its kin still work; errors.Is sees through %w wrapping while os.IsXxx does not",
		Verdict:  catalog.True,
		Observed: "a bare *PathError: os.IsNotExist and errors.Is both true; wrapped with %w: os.IsNotExist false, errors.Is true",
		Test:     "termination.TestTypedErrors"},
}
