//go:build unix

package pipes

import (
	"embed"

	"procbugs/helpers/catalog"
)

//go:embed broken.go fixed.go
var sources embed.FS

func init() {
	catalog.Register(catalog.Topic{
		Name:    "pipes",
		Title:   "Pipes: reading a child's output without deadlock",
		Summary: "A pipe holds 64 KiB. Who reads, who waits and who holds the write end decides whether a program finishes.",
		Files:   sources,
	}, []catalog.Entry{
		WaitBeforeRead,
		ReadAfterWait,
		DrainInTurn,
		StdinNeverClosed,
		BackgroundHoldsPipe,
		StderrLost,
		LeakedDescriptor,
	}, claims)
}

var claims = []catalog.Claim{
	{ID: "C022", Source: "000 §2; 001 Q4", Text: "Linux pipe buffer is ~64 KiB",
		Verdict: catalog.True, Observed: "a blocked writer leaves exactly F_GETPIPE_SZ = 65536 bytes queued (FIONREAD)",
		Test: "pipes.TestWaitBeforeRead"},
	{ID: "C023", Source: "000 §2; 001 Q4", Text: "StdoutPipe + Start + Wait-before-read deadlocks once the child writes > 64 KiB",
		Verdict: catalog.True, Observed: "1 MiB writer blocked in anon_pipe_write with the pipe full, the parent in do_wait; " +
			`with 100 bytes no hang, but the read fails: "read |0: file already closed"`,
		Test: "pipes.TestWaitBeforeRead"},
	{ID: "C024", Source: "000 §2", Text: `Quoted contract: "It is incorrect to call Wait before all reads from the pipe have completed"`,
		Verdict: catalog.True, Observed: "Wait closes the read end: a read after Wait fails with os.ErrClosed and the bytes are lost",
		Test: "pipes.TestReadAfterWait"},
	{ID: "C025", Source: "000 §2", Text: "Drain then Wait with cmd.Stderr = cmd.Stdout after StdoutPipe merges stderr into the pipe and completes",
		Verdict: catalog.True, Observed: "cmd.Stdout is the pipe's *os.File; 400000 of 400000 bytes read, Wait nil",
		Test: "pipes.TestMergedStderr"},
	{ID: "C026", Source: "000 §2, §19; 001 Q4", Text: "Drain StdoutPipe and StderrPipe concurrently; one goroutine draining both in turn can hang",
		Verdict: catalog.True, Observed: "in turn: writer blocked on a full stderr (65536 queued), stdout empty, parent in io.ReadAll; " +
			"concurrently: 200000 + 200000 bytes",
		Test: "pipes.TestDrainInTurn"},
	{ID: "C027", Source: "000 §2", Text: "Output()/CombinedOutput() do the draining for you",
		Verdict: catalog.True, Observed: "1 MiB on each stream: Output 1048576 bytes, CombinedOutput 2097152 bytes, no hang",
		Test: "pipes.TestOutputDrainsBoth"},
	{ID: "C028", Source: "001 Q5", Text: "Output: stderr is placed in *ExitError.Stderr on failure",
		Verdict: catalog.Imprecise, Observed: "nil cmd.Stderr: 65567 of 200000 bytes kept with an 'omitting' note; cmd.Stderr set: 0 bytes; Run: 0 bytes",
		Correction: "Only Output, only when cmd.Stderr is nil, and only the first and last 32 KiB (exec.go, prefixSuffixSaver{N: 32 << 10}).",
		Test:       "pipes.TestExitErrorStderrIsPartial"},
	{ID: "C029", Source: "001 Q5", Text: "CombinedOutput interleaves stdout and stderr into one []byte",
		Verdict: catalog.True, Observed: `"o1\ne1\no2\ne2\n"`, Test: "pipes.TestCombinedOutputInterleaves"},
	{ID: "C030", Source: "001 Q5", Text: "Run: stdout goes to Cmd.Stdout or is discarded",
		Verdict: catalog.True, Observed: "nil Stdin and Stdout: the grandchild's fd 0 and fd 1 are /dev/null",
		Test: "pipes.TestRunConnectsDevNullAndExtraFiles"},
	{ID: "C031", Source: "001 Q5, Q7", Text: "Run/Output/CombinedOutput all call Start then Wait (and so reap)",
		Verdict: catalog.True, Observed: "after each call the child's pid is gone from /proc, not a zombie",
		Test: "pipes.TestRunOutputCombinedOutputReap"},
	{ID: "C051", Source: "000 §6; 001 Q19", Text: "ExtraFiles[i] becomes fd 3+i in the child",
		Verdict: catalog.True, Observed: "fd3=/etc/hostname fd4=/etc/passwd", Test: "pipes.TestRunConnectsDevNullAndExtraFiles"},
	{ID: "C052", Source: "000 §6; 001 Q19", Text: "A listener passed via ExtraFiles works with net.FileListener(os.NewFile(3, ...)); both processes share it",
		Verdict: catalog.True, Observed: "the grandchild serves on fd 3 while the parent accepts on the same socket",
		Test: "pipes.TestListenerHandoff"},
	{ID: "C053", Source: "000 §6; 001 Q19", Text: `"The kernel load-balances accept(2) calls"`,
		Verdict: catalog.Imprecise, Observed: "each of 40 connections is accepted by exactly one process; the split varies from run to run",
		Correction: "Each connection goes to one acceptor, but nothing balances them: both processes wait in epoll and race " +
			"for accept. For balancing, give each process its own SO_REUSEPORT socket.",
		Test: "pipes.TestListenerHandoff"},
}
