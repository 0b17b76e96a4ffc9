//go:build unix

package termination

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"

	"procbugs/helpers/childproc"
)

// Cells of the table.
const (
	ran     = "run"
	notRun  = "not run"
	none    = "none left"
	yes     = "yes"
	no      = "no"
	nothing = "nothing"
)

// logTime stands for the date and time the log package puts first.
const logTime = "YYYY/MM/DD hh:mm:ss"

// An outcome is one row of the table as a child lived it.
type outcome struct {
	Exit         string // as a shell user would say it: "exit 2", "killed by SIGKILL (137)"
	EndingDefers string // deferred calls of the goroutine that ended the process
	OtherDefers  string // deferred calls of another goroutine
	Flushed      string // did the deferred Flush of a bufio.Writer reach stdout
	Finalizer    string // did the finalizer of unreachable garbage run
	Stderr       string // what the process printed on stderr, summarised
}

// observe reads an outcome from what a child of the table left behind.
func observe(m mechanism, res childproc.Result) outcome {
	o := outcome{
		Exit:         res.Status(),
		EndingDefers: runOrNot(res.HasEvent(endingDeferRan)),
		OtherDefers:  runOrNot(res.HasEvent(otherDeferRan)),
		Flushed:      no,
		Finalizer:    runOrNot(res.HasEvent(finalizerRan)),
		Stderr:       summarise(res.Stderr),
	}
	if m.Other == otherNone {
		o.OtherDefers = none
	}
	if res.Stopped {
		// The test proved the hang and stopped the child with SIGQUIT:
		// what came before the dump is what the process printed.
		o.Exit = hangs
		before, _, _ := strings.Cut(res.Stderr, "SIGQUIT: quit")
		o.Stderr = summarise(before)
	}
	if strings.Contains(res.Stdout, bufferedLine+"\n") {
		o.Flushed = yes
	}
	return o
}

func runOrNot(b bool) string {
	if b {
		return ran
	}
	return notRun
}

func killedBy(sig syscall.Signal) string {
	return childproc.Result{Signal: sig, ShellCode: 128 + int(sig)}.Status()
}

var (
	logTimeRE   = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`)
	goroutineRE = regexp.MustCompile(`^goroutine (\d+) .*\[.*\]:$`)
	registerRE  = regexp.MustCompile(`^\w+ +0x[0-9a-f]+$`)
)

// summarise keeps what a reader of stderr sees first: the lines before the
// first goroutine's stack, with the log's timestamp masked, then what
// follows them: how many goroutines of the program had their stacks
// printed, whether the runtime's own goroutines were shown too (their
// number changes from run to run), and whether the registers were.
func summarise(stderr string) string {
	if strings.TrimSpace(stderr) == "" {
		return nothing
	}
	d := parseDump(stderr)
	s := strings.Join(d.head, " ")
	if d.ours > 0 {
		s += stacks(d.ours)
	}
	if d.runtimes > 0 {
		s += " and of the runtime's own"
	}
	if d.registers {
		s += ", then the registers"
	}
	return s
}

// A dump is what the runtime printed on its way out.
type dump struct {
	head      []string // the lines before the stacks, in code font
	ours      int      // stacks of the program's goroutines
	runtimes  int      // stacks of the runtime's own goroutines
	registers bool
}

func parseDump(stderr string) dump {
	var d dump
	inStack := false
	for _, block := range strings.Split(stderr, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		switch m := goroutineRE.FindStringSubmatch(lines[0]); {
		case m != nil && m[1] == "0":
			inStack = true // the signal handler's own stack
		case m != nil && strings.Contains(block, "created by runtime."):
			inStack, d.runtimes = true, d.runtimes+1
		case m != nil:
			inStack, d.ours = true, d.ours+1
		case registerRE.MatchString(lines[0]):
			d.registers = true
		case !inStack:
			for _, l := range lines {
				if l != "" && !strings.HasPrefix(l, "PC=") {
					d.head = append(d.head, mono(logTimeRE.ReplaceAllString(l, logTime)))
				}
			}
		}
	}
	return d
}

func stacks(n int) string {
	if n == 1 {
		return " + the stack of 1 goroutine"
	}
	return fmt.Sprintf(" + the stacks of %d goroutines", n)
}

// mono sets text in code font in a markdown cell.
func mono(s string) string { return "`" + strings.ReplaceAll(s, "|", `\|`) + "`" }
