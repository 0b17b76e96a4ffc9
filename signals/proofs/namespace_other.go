//go:build unix && !linux

package proofs

import (
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// InNewPIDNamespace skips: PID namespaces are Linux's.
func InNewPIDNamespace(t childproc.T, roles ...role.Role) childproc.Option {
	t.Helper()
	childproc.SkipWith(t, "needs a Linux PID namespace", roles...)
	return nil
}
