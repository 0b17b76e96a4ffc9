//go:build unix

package proofs

import "procbugs/helpers/catalog"

var claims = []catalog.Claim{
	{ID: "C022", Source: "000 §2; 001 Q4", Text: "A Linux pipe buffers about 64 KiB",
		Verdict: catalog.True, Observed: "a blocked writer leaves exactly F_GETPIPE_SZ = 65536 bytes queued (FIONREAD)",
		Test: "pipes.TestWaitBeforeRead"},
	{ID: "C023", Source: "000 §2; 001 Q4", Text: "StdoutPipe, Start, then Wait before reading deadlocks once the child writes more than 64 KiB",
		Verdict: catalog.True, Observed: "1 MiB writer blocked in anon_pipe_write with the pipe full, the parent in do_wait; " +
			`with 100 bytes no hang, but the read fails: "read |0: file already closed"`,
		Test: "pipes.TestWaitBeforeRead, pipes.TestReadAfterWait"},
	{ID: "C024", Source: "000 §2", Text: "os/exec's contract: calling Wait before all reads from the pipe have completed is incorrect",
		Verdict: catalog.True, Observed: "Wait closes the read end: a read after Wait fails with os.ErrClosed and the bytes are lost",
		Test: "pipes.TestReadAfterWait"},
	{ID: "C025", Source: "000 §2", Text: "After StdoutPipe, setting cmd.Stderr = cmd.Stdout merges stderr into the pipe, and draining it then waiting completes",
		Verdict: catalog.True, Observed: "cmd.Stdout is the pipe's *os.File; 400000 of 400000 bytes read, Wait nil",
		Test: "pipes.TestMergedStderr"},
	{ID: "C026", Source: "000 §2, §19; 001 Q4", Text: "StdoutPipe and StderrPipe must be drained at once; one goroutine draining both in turn can hang",
		Verdict: catalog.True, Observed: "in turn: the writer blocked on a full stderr (65536 queued), stdout empty, the parent idle " +
			"and the writer making no progress; at once: 200000 + 200000 bytes",
		Test: "pipes.TestDrainInTurn"},
	{ID: "C027", Source: "000 §2", Text: "Output and CombinedOutput do the draining for you",
		Verdict: catalog.True, Observed: "200000 bytes on each stream, stderr first: Output 200000 bytes, CombinedOutput 400000 bytes, no hang",
		Test: "pipes.TestOutputDrainsBoth"},
	{ID: "C028", Source: "001 Q5", Text: "Output puts stderr in *ExitError.Stderr on failure",
		Verdict: catalog.Imprecise, Observed: "nil cmd.Stderr: 200000 bytes cut to the first and last 32 KiB with an 'omitting' note; cmd.Stderr set: 0 bytes; Run: 0 bytes",
		Correction: "Only Output, only when cmd.Stderr is nil, and only the first and last 32 KiB (exec.go, prefixSuffixSaver{N: 32 << 10}).",
		Test:       "pipes.TestExitErrorStderrIsPartial, pipes.TestStderrLost"},
	{ID: "C029", Source: "001 Q5", Text: "CombinedOutput interleaves stdout and stderr into one []byte",
		Verdict: catalog.True, Observed: `"o1\ne1\no2\ne2\n"`, Test: "pipes.TestCombinedOutputInterleaves"},
	{ID: "C030", Source: "001 Q5", Text: "With Run, stdout goes to Cmd.Stdout, or is discarded",
		Verdict: catalog.True, Observed: "nil Stdin and Stdout: the grandchild's fd 0 and fd 1 are /dev/null",
		Test: "pipes.TestRunConnectsDevNullAndExtraFiles"},
	{ID: "C031", Source: "001 Q5, Q7", Text: "Run, Output and CombinedOutput all call Start then Wait, and so reap the child",
		Verdict: catalog.True, Observed: "after each call the child's /proc entry is gone: reaped, not a zombie",
		Test: "pipes.TestRunOutputCombinedOutputReap"},
	{ID: "C051", Source: "000 §6; 001 Q19", Text: "ExtraFiles[i] becomes descriptor 3+i in the child",
		Verdict: catalog.True, Observed: "fd3=/etc/hostname fd4=/etc/passwd; a listener in ExtraFiles[0] serves from fd 3, " +
			"and a server told the parent's number for it finds no listener there and exits 1",
		Test: "pipes.TestRunConnectsDevNullAndExtraFiles, pipes.TestExtraFilesNumber"},
	{ID: "C052", Source: "000 §6; 001 Q19", Text: "A listener passed through ExtraFiles works with net.FileListener(os.NewFile(3, ...)); both processes share it",
		Verdict: catalog.True, Observed: "with the parent not accepting, the grandchild answers all 20 connections on fd 3; " +
			"with the grandchild stopped, the parent answers all 20 on the same socket",
		Test: "pipes.TestListenerHandoff"},
	{ID: "C053", Source: "000 §6; 001 Q19", Text: "The kernel load-balances accept(2) calls",
		Verdict: catalog.Imprecise, Observed: "each connection is answered exactly once, by whichever process accepts; " +
			"a stopped process gets none of them and the other gets all 20: nothing balances them",
		Correction: "Each connection goes to one acceptor, but nothing balances them: the processes race for accept, and " +
			"one that is slow or stopped simply gets none. For balancing, give each process its own SO_REUSEPORT socket.",
		Test: "pipes.TestListenerHandoff"},
}
