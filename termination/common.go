//go:build unix

package termination

// What broken.go and fixed.go both use, unchanged by any fix.

import (
	"os"
	"strings"
)

// process handles one "key=value" item. An item without "=" makes it index
// past the end of the split: the panic of entry panic-in-goroutine.
func process(item string) {
	kv := strings.Split(item, "=")
	_ = kv[0] + kv[1]
}

// lockFile is the lock that RunExclusive holds while it works.
type lockFile struct {
	f    *os.File
	path string
}

func (l *lockFile) release() {
	l.f.Close()
	os.Remove(l.path)
}
