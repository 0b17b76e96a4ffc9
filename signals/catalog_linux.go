package signals

import (
	"embed"

	"procbugs/helpers/catalog"
)

//go:embed broken.go fixed.go
var sources embed.FS

func init() {
	catalog.Register(catalog.Topic{
		Name:  "signals",
		Title: "Signals: delivery, graceful shutdown, forwarding and the myths",
		Summary: "How a signal reaches a Go program, when it is dropped, swallowed or inherited as ignored, " +
			"and how a server, a supervisor and a shell wrapper should pass it on.",
		Files: sources,
	}, []catalog.Entry{
		UnbufferedNotify,
		ExitOnSignal,
		DeferredStop,
		ForgottenStop,
		ForwardNothing,
		ForwardEverySignal,
		ShellWrapper,
		SIGPIPE,
		InheritedIgnore,
		WaitDelayKill,
		PID1,
		CgoHandler,
	}, claims)
}
