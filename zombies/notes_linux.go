package zombies

import (
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

// notes is the parent's end: the lines read so far, once started.
type notes struct {
	w, r *os.File
	feed *childproc.Feed
}

// newNotes makes the pipe and returns the options that hand it to a child.
// Call started once Start has returned.
func newNotes(t childproc.T) (*notes, []childproc.Option) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("notes pipe: %v", err)
	}
	n := &notes{r: r, w: w}
	t.Cleanup(func() {
		n.w.Close()
		n.r.Close()
		if n.feed != nil {
			<-n.feed.Done()
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
	n.feed = childproc.NewFeed(n.r, nil)
}

// await waits for a line that starts with prefix and returns it. It fails
// the test if every writer has gone first.
func (n *notes) await(t childproc.T, prefix string) string {
	t.Helper()
	line, ok := n.feed.Await(prefix, time.After(childproc.DefaultTimeout))
	if !ok {
		t.Fatalf("no note %q before every writer had gone or the time ran out; notes %q", prefix, n.all())
	}
	return line
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

func (n *notes) all() []string { return n.feed.Lines() }

// wait waits until every process that held the notes pipe has gone, so
// that all their notes have been read.
func (n *notes) wait(t childproc.T) {
	t.Helper()
	select {
	case <-n.feed.Done():
	case <-time.After(childproc.DefaultTimeout):
		t.Fatalf("a process still holds the notes pipe; notes %q", n.all())
	}
}
