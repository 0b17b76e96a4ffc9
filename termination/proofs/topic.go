//go:build unix

package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/termination"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:    "termination",
		Title:   "Termination: every way a Go process ends",
		Summary: "Which deferred calls run, what reaches the disk and what status the parent sees, for each way a Go program can end.",
		Files:   termination.Sources,
	}, []catalog.Entry{
		ExitSkipsDefers,
		FatalInHelper,
		ExitStatusWraps,
		PanicInGoroutine,
		ShutdownNotAwaited,
		ExitStatus,
		FlattenedStatus,
		ContextErrorLost,
		KillTimerBeforeStart,
		StateBeforeWait,
		FatalFromGoroutine,
		ClosedStderr,
		LockOutlivesProcess,
	}, claims)
}
