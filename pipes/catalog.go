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

var claims = []catalog.Claim{}
