//go:build unix

// Command suitetime runs go test -count=1 -json over the packages named
// (./... when none are) and prints each package's test time, slowest
// first, their sum, and the run's wall time and CPU: the suite's figures
// in make bench. Run it once the tests are built (after a first go test),
// so that compiling is not counted; linking the test binaries is, as go
// test links them on every run.
//
// The sum grows with the load: on a machine whose cores are all busy, the
// packages that go test runs at once wait for each other, and each one's
// time counts that wait. The wall time and the CPU (the go command's and
// every process it waited for) are the figures to compare across changes.
//
// A failed package is marked, and makes the command exit 1: a suite that
// fails early is fast, and its time is no figure.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"syscall"
	"time"
)

type event struct {
	Action, Package, Test string
	Elapsed               float64
}

type pkg struct {
	name    string
	elapsed float64
	failed  bool
}

func main() {
	patterns := os.Args[1:]
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	cmd := exec.Command("go", append([]string{"test", "-count=1", "-json"}, patterns...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	pkgs := read(out)
	runErr := cmd.Wait()
	wall := time.Since(start)

	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].elapsed > pkgs[j].elapsed })
	sum, failed := 0.0, 0
	for _, p := range pkgs {
		mark := ""
		if p.failed {
			mark, failed = "  FAILED", failed+1
		}
		sum += p.elapsed
		fmt.Printf("%7.2f s  %s%s\n", p.elapsed, p.name, mark)
	}
	fmt.Printf("%7.2f s  the suite, summed over %d packages\n", sum, len(pkgs))
	fmt.Printf("%7.2f s  wall\n", wall.Seconds())
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		fmt.Printf("%7.2f s  CPU (user and system, every process go test waited for)\n", cpu.Seconds())
	}
	switch {
	case failed > 0:
		fmt.Printf("%d of %d packages failed: the time is no figure\n", failed, len(pkgs))
		os.Exit(1)
	case runErr != nil:
		fmt.Printf("go test: %v: the time is no figure\n", runErr)
		os.Exit(1)
	}
}

// read collects each package's result from go test -json.
func read(r io.Reader) []pkg {
	var pkgs []pkg
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test != "" {
			continue
		}
		if e.Action == "pass" || e.Action == "fail" {
			pkgs = append(pkgs, pkg{e.Package, e.Elapsed, e.Action == "fail"})
		}
	}
	return pkgs
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "suitetime:", err)
	os.Exit(2)
}
