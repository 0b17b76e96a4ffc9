//go:build unix

// Package proofs holds the pipes topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the
// tests that run these proofs are ../pipes_test.go.
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
