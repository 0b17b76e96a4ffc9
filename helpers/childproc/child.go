package childproc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

var (
	controlMu sync.Mutex
	control   *os.File
)

// openControl adopts the control pipe that Start passed as an extra file.
// It is marked close-on-exec at once, so that grandchildren do not inherit
// it and keep the parent's reader from seeing EOF when the child exits.
func openControl() {
	fd, err := strconv.Atoi(os.Getenv(controlEnv))
	if err != nil {
		return
	}
	closeOnExec(fd)
	control = os.NewFile(uintptr(fd), "childproc-control")
	os.Unsetenv(controlEnv)
	os.Unsetenv(roleEnv)
}

// Ready tells the parent that the child has finished setting up.
func Ready() { Emit(readyEvent) }

// Emit sends one event line to the parent. Outside a child it does nothing,
// so code that emits can also run in-process.
func Emit(event string) {
	controlMu.Lock()
	defer controlMu.Unlock()
	if control == nil {
		return
	}
	line := strings.ReplaceAll(event, "\n", `\n`) + "\n"
	// One write of less than PIPE_BUF bytes is atomic, so lines from
	// several goroutines never interleave.
	control.WriteString(line)
}

// Emitf is Emit with formatting.
func Emitf(format string, args ...any) { Emit(fmt.Sprintf(format, args...)) }

// EmitPID reports the pid of a process the child started, under a name the
// parent waits for with AwaitPID.
func EmitPID(name string, pid int) { Emitf("%s pid=%d", name, pid) }

const (
	readyEvent = "ready"
	usesEvent  = "childproc: uses role " // kept by the harness, not shown as an event
)
