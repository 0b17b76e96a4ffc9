package procfs

import (
	"strings"
)

// Environ returns the environment the kernel handed pid at exec, from
// /proc/pid/environ: every KEY=value string in the order given, duplicates
// included, whatever the program has made of them since. It is nil for a
// process that has gone or that this process may not inspect.
func Environ(pid int) []string {
	b, err := readFile(dir(pid) + "/environ")
	if err != nil || len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}
