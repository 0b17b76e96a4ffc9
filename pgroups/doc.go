// Package pgroups teaches process groups, sessions, SysProcAttr and
// parent-death signals: who a signal reaches, who outlives whom, and what a
// child may do once it runs as another user.
//
// Every entry is a broken/fixed pair (broken.go, fixed.go) proven in real
// child processes from /proc evidence. The behaviours are Linux's, so the
// entries build on Linux only; the portable SysProcAttr shape of the texts
// (sysProcAttr in proc_unix.go and proc_windows.go) builds everywhere.
package pgroups
