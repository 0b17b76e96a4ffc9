//go:build unix && !linux

package signals

// threadID is 0 where threads have no ids of their own in /proc: the
// proofs that signal one thread run on Linux only.
func threadID() int { return 0 }
