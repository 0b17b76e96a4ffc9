//go:build unix

package termination

import (
	"embed"

	"procbugs/helpers/catalog"
)

//go:embed broken.go fixed.go
var sources embed.FS

func init() {
	catalog.Register(catalog.Topic{
		Name:    "termination",
		Title:   "Termination: every way a Go process ends",
		Summary: "Which deferred calls run, what reaches the disk and what status the parent sees, for each way a Go program can end.",
		Files:   sources,
	}, []catalog.Entry{
		ExitSkipsDefers,
		FatalInHelper,
		PanicInGoroutine,
		ExitStatus,
		FatalFromGoroutine,
		ClosedStderr,
		LockOutlivesProcess,
	}, claims)
}
