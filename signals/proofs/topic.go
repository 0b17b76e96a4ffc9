//go:build unix

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
