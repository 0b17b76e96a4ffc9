package envs

import (
	"os"
	"strconv"
	"sync"

	"procbugs/helpers/childproc"
)

// rounds is how many times each goroutine of the race roles touches the
// shared state: enough for both goroutines to overlap, cheap under -race.
const rounds = 1000

// envRace has one goroutine set a variable while another reads it and the
// whole environment. The environment has its own lock
// ($GOROOT/src/syscall/env_unix.go, envLock), so the race detector has
// nothing to report, whatever the interleaving.
var envRace = childproc.Register("envs/race/setenv-getenv", func([]string) int {
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range rounds {
			os.Setenv("RELOADED", strconv.Itoa(i))
		}
	})
	wg.Go(func() {
		for range rounds {
			_ = os.Getenv("RELOADED")
			_ = os.Environ()
		}
	})
	wg.Wait()
	childproc.Emit("setenv and getenv done")
	return 0
})

// current is configuration shared the way code shares it once it stops
// calling Getenv: a package variable, with no lock.
var current Config

// configRace has one goroutine replace a shared Config while another reads
// it. Nothing orders the two, and the race detector reports it.
var configRace = childproc.Register("envs/race/shared-config", func([]string) int {
	var wg sync.WaitGroup
	wg.Go(func() {
		current = Config{Name: "reloaded"}
	})
	wg.Go(func() {
		_ = current.Name
	})
	wg.Wait()
	childproc.Emit("write and read done")
	return 0
})
