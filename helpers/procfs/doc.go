// Package procfs reads the evidence a proof asserts from Linux's /proc:
// what a process is doing, waiting for and holding, as the kernel reports
// it (proc(5)).
//
// One reader for each file: stat (state, parent, group, session,
// terminal), status (credentials, signal sets), wchan (the kernel function
// a thread sleeps in), syscall (the call a thread is blocked in), fd (the
// open descriptors) and children. Every function takes a pid; Self names
// the calling process through /proc/self, which is right even inside a PID
// namespace whose /proc is not mounted anew.
//
// A process that has gone reads as absent: State returns 0, lists are
// empty, numbers are -1. Outside Linux every reader reports absence.
package procfs

// Self names the calling process, read through /proc/self.
const Self = 0
