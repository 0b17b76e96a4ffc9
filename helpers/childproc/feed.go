package childproc

import (
	"bufio"
	"io"
	"strings"
	"sync"
	"time"
)

// A Feed collects the lines a pipe carries, one event a line, and lets a
// test wait for one. The harness reads a child's control pipe with it; a
// topic can read its own pipe with it, for processes the close-on-exec
// control pipe cannot reach.
type Feed struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced on every new line
	done    chan struct{} // closed at EOF
}

// NewFeed reads r to EOF in a goroutine. keep, if not nil, decides which
// lines are kept as events; the others it has already acted on.
func NewFeed(r io.Reader, keep func(line string) bool) *Feed {
	f := &Feed{changed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if keep != nil && !keep(sc.Text()) {
				continue
			}
			f.mu.Lock()
			f.lines = append(f.lines, sc.Text())
			close(f.changed)
			f.changed = make(chan struct{})
			f.mu.Unlock()
		}
	}()
	return f
}

// Lines returns the lines read so far.
func (f *Feed) Lines() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.lines...)
}

// Done is closed once every writer has closed the pipe and all its lines
// have been read.
func (f *Feed) Done() <-chan struct{} { return f.done }

// Await waits for a line that starts with prefix and returns it. It
// returns false if the pipe reached EOF first, or if timeout (which may be
// nil) fired.
func (f *Feed) Await(prefix string, timeout <-chan time.Time) (string, bool) {
	for seen := 0; ; {
		f.mu.Lock()
		for ; seen < len(f.lines); seen++ {
			if strings.HasPrefix(f.lines[seen], prefix) {
				line := f.lines[seen]
				f.mu.Unlock()
				return line, true
			}
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-f.done:
			f.mu.Lock()
			more := seen < len(f.lines)
			f.mu.Unlock()
			if !more {
				return "", false
			}
		case <-timeout:
			return "", false
		}
	}
}
