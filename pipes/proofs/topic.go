//go:build unix

package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/pipes"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:    "pipes",
		Title:   "Pipes: reading a child's output without deadlock",
		Summary: "A pipe holds 64 KiB. Who reads, who waits and who holds the write end decides whether a program finishes.",
		Files:   pipes.Sources,
	}, []catalog.Entry{
		WaitBeforeRead,
		ReadAfterWait,
		DrainInTurn,
		ScannerGivesUp,
		BlockBuffered,
		StdinNeverClosed,
		BlockingStdin,
		StdinDevNull,
		BackgroundHoldsPipe,
		StderrLost,
		PipeBeforeCheck,
		LeakedDescriptor,
		ExtraFilesNumber,
	}, claims)
}
