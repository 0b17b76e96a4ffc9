package role

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Lines the harness sends for itself; the parent keeps them out of the
// events a proof sees.
const (
	ReadyEvent = "ready"
	// StartedEvent is sent once the role begins: the parent counts the
	// child's time bound from there, not from exec.
	StartedEvent = "role: started"
	UsesPrefix   = "role: uses " // a grandchild role the child started
)

var (
	controlMu sync.Mutex
	control   *os.File
)

// openControl adopts the control pipe the parent passed as a descriptor.
// It is marked close-on-exec at once, so that grandchildren do not inherit
// it and keep the parent from seeing EOF when the child exits.
func openControl() {
	fd, err := strconv.Atoi(os.Getenv(ControlEnv))
	if err != nil {
		return
	}
	closeOnExec(fd)
	control = os.NewFile(uintptr(fd), "procbugs-control")
	os.Unsetenv(ControlEnv)
	os.Unsetenv(Env)
}

// Ready tells the parent that the child has finished setting up.
func Ready() { send(ReadyEvent) }

// Emit sends one event line to the parent. Outside a child it does
// nothing, so code that emits can also run in a plain process.
func Emit(event string) { send(event) }

// Emitf is Emit with formatting.
func Emitf(format string, args ...any) { send(fmt.Sprintf(format, args...)) }

// EmitPID reports the pid of a process the child started, under a name
// the parent waits for with AwaitPID.
func EmitPID(name string, pid int) { Emitf("%s pid=%d", name, pid) }

func send(line string) {
	controlMu.Lock()
	defer controlMu.Unlock()
	if control == nil {
		return
	}
	// One write of less than PIPE_BUF bytes is atomic: lines from several
	// goroutines never interleave.
	control.WriteString(strings.ReplaceAll(line, "\n", `\n`) + "\n")
}
