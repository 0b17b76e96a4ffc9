// Command procbugs is the catalog of Go process-lifecycle bugs on the
// command line: it lists the entries, shows each bug beside its fix, runs
// both live in child processes, quizzes and runs workshop exercises.
//
// list and show need nothing but the binary: the records and the lessons'
// sources are in it. run, quiz's live answers and exercise run the proofs,
// whose children are a program the harness builds from the source tree
// (helpers/childproc): they need Linux, a clone of procbugs and the go
// command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1 // an observation contradicted its record, or an exercise still fails
	exitUsage       = 2 // a bad command line or an unknown ID
	exitInterrupted = 130
)

const usage = `procbugs: Go process-lifecycle bugs, each proven in real child processes.

Usage:
  procbugs [list] [TOPIC...]     the catalog, grouped by topic
  procbugs show ID               symptom, cause, fix and the diff of the code
  procbugs run [ID|TOPIC...]     run the broken and the fixed code live
  procbugs quiz [ID|TOPIC...]    predict what the code does, then watch it
  procbugs exercise [ID|TOPIC]   mend broken.go yourself, checked on every save

Every command takes -h. Examples:
  procbugs list pipes
  procbugs show pipes/wait-before-read
  procbugs run pipes
  procbugs quiz --answers a,b
  procbugs exercise pipes
`

type command struct {
	run  func(u *ui, args []string) int
	help string
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"list":     {cmdList, listHelp},
		"show":     {cmdShow, showHelp},
		"run":      {cmdRun, runHelp},
		"quiz":     {cmdQuiz, quizHelp},
		"exercise": {cmdExercise, exerciseHelp},
	}
}

func main() {
	os.Exit(procbugs(newUI(os.Stdin, os.Stdout, os.Stderr), os.Args[1:]))
}

func procbugs(u *ui, args []string) int {
	if len(args) == 0 {
		return cmdList(u, nil)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprint(u.out, c.help)
				return exitOK
			}
		}
		fmt.Fprint(u.out, usage)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		if _, err := resolve(args[:1]); err == nil {
			u.errorf("procbugs: %q is an entry or a topic, not a command: try procbugs show %s or procbugs run %s\n",
				args[0], args[0], args[0])
			return exitUsage
		}
		var names []string
		for n := range commands {
			names = append(names, n)
		}
		u.errorf("procbugs: unknown command %q%s\n\n%s", args[0], didYouMean(args[0], names), usage)
		return exitUsage
	}
	return c.run(u, args[1:])
}

// parse parses a command's flags, which may come before, between or after
// its other arguments, and returns those arguments. It prints the command's
// help for -h. A non-nil status means the command is done.
func parse(u *ui, fs *flag.FlagSet, help string, args []string) ([]string, *int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var rest []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(u.out, help)
			code := exitOK
			return nil, &code
		}
		if err != nil {
			u.errorf("procbugs %s: %v\n\n%s", fs.Name(), err, help)
			code := exitUsage
			return nil, &code
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// fail prints an error for a command and returns the usage status.
func fail(u *ui, cmd string, err error) int {
	msg := err.Error()
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	u.errorf("procbugs %s: %s", cmd, msg)
	return exitUsage
}
