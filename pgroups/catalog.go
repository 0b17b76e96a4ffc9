//go:build linux

package pgroups

import (
	"embed"

	"procbugs/helpers/catalog"
)

//go:embed broken.go fixed.go
var sources embed.FS

func init() {
	catalog.Register(catalog.Topic{
		Name:  "pgroups",
		Title: "Process groups, sessions, SysProcAttr and parent-death signals",
		Summary: "Who a signal reaches, who outlives whom, and what a child may do as another user: " +
			"the process group decides the first, Setsid and Pdeathsig the second, Credential the third.",
		Files: sources,
	}, []catalog.Entry{
		KillLeader,
		ContextCancel,
		CtrlC,
		NegativePID,
		SetsidWithSetpgid,
		Pdeathsig,
		PdeathsigThread,
		Credential,
		Daemonize,
		StalePidfile,
	}, claims)
}
