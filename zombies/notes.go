//go:build linux

package zombies

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Notes carry events from the processes the harness's control pipe cannot
// reach: an init's app and its grandchildren, and an init that tini or
// dumb-init replaced by exec (the control pipe is close-on-exec). The test
// passes the write end of a pipe of its own as descriptor NotesFD and
// names it in NotesEnv; every process of the tree inherits it and writes
// whole lines, each shorter than PIPE_BUF and so never interleaved.
//
// The gate, descriptor GateFD, is the read end of another pipe: an app
// that waits at the gate goes on once the test closes the write end, after
// it has read what it needed from /proc.
const (
	NotesEnv = "ZOMBIES_NOTES_FD"
	NotesFD  = 4 // the first of ExtraFiles: descriptor 3 is the control pipe
	GateFD   = 5
)

var notesFile = sync.OnceValue(func() *os.File {
	fd, err := strconv.Atoi(os.Getenv(NotesEnv))
	if err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), "notes")
})

// note writes one line to the test's notes pipe, if there is one.
func note(format string, args ...any) {
	if f := notesFile(); f != nil {
		f.WriteString(strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ") + "\n")
	}
}

// awaitGate returns once the test has closed its end of the gate.
func awaitGate() {
	os.NewFile(GateFD, "gate").Read(make([]byte, 1))
}

// awaitStdinGate returns once the test has closed the write end of this
// process's stdin: the gate of the scenarios that need no notes.
func awaitStdinGate() {
	io.Copy(io.Discard, os.Stdin)
}
