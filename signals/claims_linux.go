package signals

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"procbugs/helpers/role"
)

// CThreadRead blocks a locked thread in read(2) inside C and then, when
// the proof says so (SIGUSR2), sends that very thread SIGUSR1 with tgkill
// (C055, C056). It reports what Go's channel got and what the read
// returned once a byte was written.
var CThreadRead = lesson.Role("claim/c-read", func([]string) int {
	if !haveCgo {
		return fail(errors.New("built without cgo or the cgochild tag: the C read is missing"))
	}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	goAhead := make(chan os.Signal, 1)
	signal.Notify(goAhead, syscall.SIGUSR2)
	r, w, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	tid := make(chan int)
	result := make(chan string, 1)
	go func() {
		runtime.LockOSThread()
		tid <- syscall.Gettid()
		n, err := cRead(int(r.Fd()))
		result <- fmt.Sprintf("C read returned %d, error %v", n, err)
	}()
	reader := <-tid
	role.Emitf("reader tid=%d", reader)
	<-goAhead
	if err := syscall.Tgkill(os.Getpid(), reader, syscall.SIGUSR1); err != nil {
		return fail(err)
	}
	role.Emitf("Go channel got %v", <-usr1)
	select {
	case r := <-result:
		role.Emitf("%s before any data", r)
		return 0
	default:
	}
	w.Write([]byte{'x'})
	role.Emit(<-result)
	return 0
}, role.NeedsCgo)
