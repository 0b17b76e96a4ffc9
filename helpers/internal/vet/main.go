// Command vet runs go vet and fails on every diagnostic but the ones the
// catalog earns on purpose: a lesson's broken.go that holds the very bug
// an analyzer exists for. Each is listed below with the test that proves
// the analyzer flags broken.go and not fixed.go, so an entry here can
// never hide a diagnostic that stopped firing.
//
// scripts/vet runs it; arguments are go vet's, and GOOS in the
// environment picks the system to vet for.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// earned: the diagnostics that are lessons.
var earned = []struct{ file, analyzer, test string }{
	{"signals/broken.go", "sigchanyzer", "signals.TestVetFlagsUnbufferedNotify"},
	{"termination/broken.go", "testinggoroutine", "termination.TestFatalFromGoroutineVet"},
}

// diagnostic is one finding in go vet -json's output, which maps each
// package to its analyzers and each analyzer to its findings.
type diagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

func main() {
	// The cgochild tag takes in the lessons' C code, which only the
	// children that need cgo are built with (childproc.CgoChildTag); the
	// files it leaves out are vetted for the other systems.
	args := append([]string{"vet", "-json", "-tags", "cgochild"}, os.Args[1:]...)
	if len(os.Args) == 1 {
		args = append(args, "./...")
	}
	var out bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		// With -json, go vet exits non-zero only when it could not vet:
		// a package that does not compile, or a bad argument.
		os.Stderr.Write(out.Bytes())
		fail("go vet: %v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		fail("%v", err)
	}
	bad := report(&out, root)
	if bad > 0 {
		fail("go vet: %d diagnostics", bad)
	}
}

// report prints every diagnostic that is not earned and returns how many.
func report(r io.Reader, root string) int {
	bad := 0
	dec := json.NewDecoder(r)
	for {
		var pkgs map[string]map[string][]diagnostic
		err := dec.Decode(&pkgs)
		if errors.Is(err, io.EOF) {
			return bad
		}
		if err != nil {
			// Not JSON: go vet's own text, such as a type error.
			rest, _ := io.ReadAll(dec.Buffered())
			fail("go vet printed what is not a report: %v\n%s", err, rest)
		}
		for _, analyzers := range pkgs {
			for analyzer, ds := range analyzers {
				for _, d := range ds {
					pos := d.Posn
					if rel, err := filepath.Rel(root, pos); err == nil {
						pos = rel
					}
					if !isEarned(pos, analyzer) {
						fmt.Fprintf(os.Stderr, "%s: %s (%s)\n", pos, d.Message, analyzer)
						bad++
					}
				}
			}
		}
	}
}

func isEarned(pos, analyzer string) bool {
	for _, e := range earned {
		if analyzer == e.analyzer && strings.HasPrefix(pos, e.file+":") {
			return true
		}
	}
	return false
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}
