//go:build unix

// Package proofs holds the signals topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the
// tests that run these proofs are ../signals_test.go and
// ../claims_test.go, which also use the evidence helpers exported here.
package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/signals"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:  "signals",
		Title: "Signals: delivery, graceful shutdown, forwarding and the myths",
		Summary: "How a signal reaches a Go program, when it is dropped, swallowed or inherited as ignored, " +
			"and how a server, a supervisor, a shell wrapper and PID 1 should pass it on.",
		Files: signals.Sources,
	}, []catalog.Entry{
		UnbufferedNotify,
		NotifyOSKill,
		NotifyAfterInit,
		ExitOnSignal,
		DeferredStop,
		NotifyContextCause,
		ForgottenStop,
		ForwardNothing,
		ForwardEverySignal,
		RawSyscallEINTR,
		ShellWrapper,
		SIGPIPE,
		InheritedIgnore,
		WaitDelayKill,
		StoppedChild,
		PID1,
		CgoHandler,
	}, claims)
}
