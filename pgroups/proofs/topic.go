//go:build linux

package proofs

import (
	"procbugs/helpers/catalog"
	"procbugs/pgroups"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:  "pgroups",
		Title: "Process groups, sessions, SysProcAttr and parent-death signals",
		Summary: "Who a signal reaches, who outlives whom, and what a child may do as another user: " +
			"the process group decides the first, Setsid and Pdeathsig the second, Credential the third.",
		Files: pgroups.Sources,
	}, []catalog.Entry{
		KillLeader,
		ContextCancel,
		CtrlC,
		BackgroundJob,
		NegativePID,
		UncheckedGetpgid,
		SetsidWithSetpgid,
		SetcttyDescriptor,
		Pdeathsig,
		PdeathsigThread,
		Credential,
		SupplementaryGroups,
		Daemonize,
		StalePidfile,
	}, claims)
}
