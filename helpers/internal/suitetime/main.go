// Command suitetime reads go test -json on stdin and prints each
// package's test time, slowest first, and their sum: the suite's figure
// in make bench. Run the tests once built (a second run), so that
// compiling is not counted.
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
			pkgs = append(pkgs, pkg{e.Package, e.Elapsed})
			sum += e.Elapsed
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].elapsed > pkgs[j].elapsed })
	for _, p := range pkgs {
		fmt.Printf("%7.2f s  %s\n", p.elapsed, p.name)
	}
	fmt.Printf("%7.2f s  the suite, summed over %d packages\n", sum, len(pkgs))
}
