// Command suitetime reads go test -json on stdin and prints each
// package's test time, slowest first, and their sum: the suite's figure
// in make bench. Run the tests once built (a second run), so that
// compiling is not counted. A failed package is marked, and makes the
// command exit 1: a suite that fails early is fast, and its time is no
// figure.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

type event struct {
	Action, Package, Test string
	Elapsed               float64
}

func main() {
	type pkg struct {
		name    string
		elapsed float64
		failed  bool
	}
	var pkgs []pkg
	sum := 0.0
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test != "" {
			continue
		}
		if e.Action == "pass" || e.Action == "fail" {
			pkgs = append(pkgs, pkg{e.Package, e.Elapsed, e.Action == "fail"})
			sum += e.Elapsed
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].elapsed > pkgs[j].elapsed })
	failed := 0
	for _, p := range pkgs {
		mark := ""
		if p.failed {
			mark, failed = "  FAILED", failed+1
		}
		fmt.Printf("%7.2f s  %s%s\n", p.elapsed, p.name, mark)
	}
	fmt.Printf("%7.2f s  the suite, summed over %d packages\n", sum, len(pkgs))
	if failed > 0 {
		fmt.Printf("%d of %d packages failed: the time is no figure\n", failed, len(pkgs))
		os.Exit(1)
	}
}
