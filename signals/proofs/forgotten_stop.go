//go:build unix

package proofs

import (
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/procfs"
	"procbugs/helpers/role"
	"procbugs/signals"
)

// ForgottenStop is the handled SIGTERM that nothing acts on.
var ForgottenStop = catalog.Entry{
	ID:    "signals/forgotten-stop",
	Title: "A signal.Notify without signal.Stop leaves the program deaf to SIGTERM",
	Symptom: "After some step has run, Ctrl-C and `kill` do nothing; only `kill -9` ends the program. " +
		"signal.Ignored(SIGTERM) says false.",
	Cause: "A channel registered with Notify keeps catching its signals until Stop. Nobody reads it, " +
		"so once its buffer is full every later signal is caught and dropped. Nothing is ignored at the kernel.",
	Fix:     "defer signal.Stop(c) (or signal.Reset(sig...)) when the section ends: the signal gets its default action again.",
	Sources: []string{"001 Q8", "001 Q9"},
	Refs:    []string{"os/signal Stop doc: \"When Stop returns, it is guaranteed that c will receive no more signals\""},
	Func:    "RunUninterrupted",
	Test:    "TestForgottenStop",
	Quiz: catalog.Quiz{
		Scenario: "after a section that held off SIGINT and SIGTERM, the child waits to be ended, and gets SIGTERM",
	},
	Roles: signals.ForgottenStop,
	Broken: catalog.Half{
		Says:  "after the section, SIGTERM is caught and dropped and the process lives on",
		Prove: proveDeafToTerm,
	},
	Fixed: catalog.Half{
		Says:  "after the section, SIGTERM ends the process by its default action (143)",
		Prove: KilledBy(syscall.SIGTERM),
	},
	Diagram: `sequenceDiagram
    participant T as test
    participant C as child
    C->>C: Notify(c, SIGINT, SIGTERM), work
    Note over C: fixed: Stop(c)
    C-->>T: ready
    T->>C: SIGTERM
    alt broken
        C->>C: caught into c, nobody reads, lives on
        T->>C: SIGQUIT: it dumps its goroutines, exit 2
    else fixed
        C->>C: default action, killed by SIGTERM (143)
    end`,
}

// The SIGTERM is delivered to a handler that returns, the child goes
// idle, and it is still alive to be stopped by the proof: the dump it
// prints on SIGQUIT is the proof that SIGTERM did not end it.
func proveDeafToTerm(t childproc.T, r role.Role) {
	p := childproc.Start(t, r)
	p.WaitReady(t)
	p.Signal(t, syscall.SIGTERM)
	AwaitSurvived(t, p, syscall.SIGTERM)
	ignored := procfs.Signals(p.Pid, procfs.Ignored).Has(syscall.SIGTERM)
	res := StopSurvivor(t, p)
	require.False(t, ignored, "SIGTERM is not SIG_IGN at the kernel: it is caught")
	require.Contains(t, res.Events, "signal.Ignored(SIGTERM)=false")
	t.Logf("SIGTERM was delivered and caught (SigCgt set, SigIgn clear, signal.Ignored false); the child went idle and lived on until the proof stopped it: %s",
		res.Status())
}
