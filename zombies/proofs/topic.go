//go:build linux

package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/zombies"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:    "zombies",
		Title:   "Zombies: reaping, orphans, PID 1 and supervisors",
		Summary: "Every process that exits waits for someone to collect its status. Who that is, and who must not, decides whether a service leaks zombies or loses exit codes.",
		Files:   zombies.Sources,
	}, []catalog.Entry{
		StartWithoutWait,
		WaitTwice,
		CancelCallsWait,
		FindProcessHoldsPidfd,
		OrphansNeedAReaper,
		OneReapPerSIGCHLD,
		SIGCHLDBeforeNotify,
		NaiveReaper,
		GoInit,
		CompareInits,
		ReusedCmd,
		Supervisor,
	}, claims)
}
