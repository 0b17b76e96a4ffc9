//go:build unix

package termination

import (
	"runtime"

	"procbugs/helpers/childproc"
)

// waitWithoutStart calls Wait on a command that was never started: the
// first half of 000 §19's "Wait returns success but child didn't run".
var waitWithoutStart = childproc.Register("termination/wait-without-start", func([]string) int {
	cmd := childproc.Command(complainer)
	childproc.Emitf("Wait returned %v", cmd.Wait())
	return 0
})

// finalizerAfterGC leaves garbage with a finalizer, forces a collection and
// waits, blocked on a channel, for the finalizer to run: finalizers do run,
// once a collection has found their object unreachable.
var finalizerAfterGC = childproc.Register("termination/finalizer-after-gc", func([]string) int {
	ran := make(chan struct{})
	func() {
		r := &resource{name: "temp"}
		runtime.SetFinalizer(r, func(*resource) { close(ran) })
	}()
	childproc.Emitf("collections before: %d", gcCycles())
	runtime.GC()
	<-ran
	childproc.Emit(finalizerRan)
	return 0
})
