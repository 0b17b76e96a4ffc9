package role

import "time"

// BlockForever blocks the calling goroutine until the process is killed:
// a program that hangs. It installs no signal handler, so whatever signal
// disposition the lesson is about stays as it was, and it keeps a timer
// pending, so the runtime never declares "all goroutines are asleep".
func BlockForever() {
	for {
		time.Sleep(time.Hour)
	}
}
