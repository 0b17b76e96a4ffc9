package zombies

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"procbugs/helpers/childproc"
)

// Notes carry events from processes the harness's control pipe cannot
// reach: the app and grandchildren under an init, and an init that tini or
// dumb-init replaced by exec (the control pipe is close-on-exec). The test
// passes the write end of a pipe as descriptor 4 and names it in the
// environment; every process of the tree inherits it and writes whole
// lines, each under PIPE_BUF bytes and so never interleaved.
const notesEnv = "ZOMBIES_NOTES_FD"

var notesFile = sync.OnceValue(func() *os.File {
	fd, err := strconv.Atoi(os.Getenv(notesEnv))
	if err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), "notes")
})

// note writes one event line to the test's notes pipe, if there is one.
func note(format string, args ...any) {
	if f := notesFile(); f != nil {
		f.WriteString(strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ") + "\n")
	}
}

// notes is the parent's end: the lines read so far.
type notes struct {
	w       *os.File
	r       *os.File
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
	eof     chan struct{}
	reading bool
}

// newNotes makes the pipe and returns the options that hand it to a child.
// Call started once Start has returned.
func newNotes(t childproc.T) (*notes, []childproc.Option) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("notes pipe: %v", err)
	}
	n := &notes{r: r, w: w, changed: make(chan struct{}), eof: make(chan struct{})}
	t.Cleanup(func() {
		n.w.Close()
		n.r.Close()
		if n.reading {
			<-n.eof
		}
	})
	// Descriptor 3 is the control pipe, so the first extra file is 4.
	return n, []childproc.Option{childproc.ExtraFiles(w), childproc.Env(notesEnv + "=4")}
}

// started closes the parent's copy of the write end, so that the reader
// sees EOF once every process of the child's tree has gone, and starts
// reading.
func (n *notes) started() {
	n.w.Close()
	n.reading = true
	go func() {
		defer close(n.eof)
		sc := bufio.NewScanner(n.r)
		for sc.Scan() {
			n.mu.Lock()
			n.lines = append(n.lines, sc.Text())
			close(n.changed)
			n.changed = make(chan struct{})
			n.mu.Unlock()
		}
	}()
}

// await waits for a line that starts with prefix and returns it. It fails
// the test if every writer has gone first.
func (n *notes) await(t childproc.T, prefix string) string {
	t.Helper()
	for seen := 0; ; {
		n.mu.Lock()
		for ; seen < len(n.lines); seen++ {
			if strings.HasPrefix(n.lines[seen], prefix) {
				line := n.lines[seen]
				n.mu.Unlock()
				return line
			}
		}
		changed := n.changed
		n.mu.Unlock()
		select {
		case <-changed:
		case <-n.eof:
			n.mu.Lock()
			more := seen < len(n.lines)
			n.mu.Unlock()
			if !more {
				t.Fatalf("no note %q before every writer had gone; notes %q", prefix, n.all())
			}
		case <-time.After(childproc.DefaultTimeout):
			t.Fatalf("no note %q; notes %q", prefix, n.all())
		}
	}
}

// find returns the first line read so far that starts with prefix, or "".
func (n *notes) find(prefix string) string {
	for _, l := range n.all() {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.lines...)
}

// wait waits until every process that held the notes pipe has gone, so
// that all their notes have been read.
func (n *notes) wait(t childproc.T) {
	t.Helper()
	select {
	case <-n.eof:
	case <-time.After(childproc.DefaultTimeout):
		t.Fatalf("a process still holds the notes pipe; notes %q", n.all())
	}
}
