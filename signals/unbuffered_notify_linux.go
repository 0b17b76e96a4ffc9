package signals

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// rounds is how many signals the child sends itself, one at a time.
const rounds = 200

// The child sends itself SIGUSR1 and, once os/signal has offered it to
// every channel, looks without blocking into the channel under test.
//
// The witness is a second, buffered channel for the same signal: receiving
// from it says the signal has arrived. os/signal offers a signal to every
// channel while holding the lock that Notify takes (signal.go, process), so
// one more Notify call returns only once every channel has had its offer.
// After that, an empty channel has dropped the signal: no sleep, no guess.
var unbufferedNotifyBroken, unbufferedNotifyFixed = pair("signals/unbuffered-notify", func(c code, args []string) int {
	n, _ := strconv.Atoi(args[0])
	ch := c.NotifyChannel(syscall.SIGUSR1)
	witness := make(chan os.Signal, 1)
	signal.Notify(witness, syscall.SIGUSR1)
	received := 0
	for range n {
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
		<-witness
		signal.Notify(witness, syscall.SIGUSR1) // waits for process() to finish its offers
		select {
		case <-ch:
			received++
		default:
		}
	}
	childproc.Emitf("received %d of %d", received, n)
	return 0
})

// UnbufferedNotify is the dropped signal of 000 §8.
var UnbufferedNotify = catalog.Entry{
	ID:    "signals/unbuffered-notify",
	Title: "An unbuffered channel given to signal.Notify drops signals",
	Symptom: "Ctrl-C or SIGTERM is sometimes ignored: the program only hears a signal that arrives " +
		"while its goroutine happens to be waiting in a receive.",
	Cause: "os/signal never blocks to deliver: it offers each signal to each channel with a " +
		"non-blocking send (signal.go, process). An unbuffered channel with no receiver waiting refuses it.",
	Fix:     "make(chan os.Signal, 1): the slot keeps the signal until someone receives.",
	Sources: []string{"000 §8", "000 §19", "001 Q9"},
	Refs:    []string{"os/signal Notify doc: \"Package signal will not block sending to c\""},
	Func:    "NotifyChannel",
	Lint:    "go vet: sigchanyzer; staticcheck: SA1017",
	Test:    "TestUnbufferedNotify",
	Broken: catalog.Half{
		Says:  "every signal that arrives between receives is dropped",
		Role:  unbufferedNotifyBroken,
		Prove: proveReceived(0),
	},
	Fixed: catalog.Half{
		Says:  "a buffer of one keeps every signal until it is received",
		Role:  unbufferedNotifyFixed,
		Prove: proveReceived(rounds),
	},
}

func proveReceived(want int) func(t childproc.T, role childproc.Role) {
	return func(t childproc.T, role childproc.Role) {
		res := childproc.Run(t, role, childproc.Args(strconv.Itoa(rounds)))
		require.Equal(t, 0, res.ExitCode, res.Stderr)
		assert.Equal(t, fmt.Sprintf("received %d of %d", want, rounds), res.LastEvent())
		t.Logf("the child sent itself SIGUSR1 %d times, one at a time; its channel %s (exit %d, %v)",
			rounds, res.LastEvent(), res.ExitCode, res.Elapsed.Round(1e6))
	}
}
