package main

import (
	"flag"
	"fmt"
	"strings"

	"procbugs/helpers/catalog"
)

const showHelp = `Usage: procbugs show ID...

Explains an entry: its symptom, cause and fix, the broken and the fixed
method as a unified diff (taken from the topic's broken.go and fixed.go,
which the binary carries), the references, and the test that proves it.

Examples:
  procbugs show pipes/wait-before-read
  procbugs show wait-before-read      a short name works when it is unique
  procbugs show pipes                 every entry of a topic
`

func cmdShow(u *ui, args []string) int {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	words, status := parse(u, fs, showHelp, args)
	if status != nil {
		return *status
	}
	if len(words) == 0 {
		u.errorf("procbugs show: which entry? procbugs list shows them all\n\n%s", showHelp)
		return exitUsage
	}
	entries, err := resolve(words)
	if err != nil {
		return fail(u, "show", err)
	}
	code := exitOK
	for i, e := range entries {
		if i > 0 {
			u.println()
			u.println(u.paint(dim, strings.Repeat("─", width)))
		}
		if err := show(u, e); err != nil {
			u.errorf("procbugs show: %s: %v\n", e.ID, err)
			code = exitFailed
		}
	}
	return code
}

const labelWidth = 10

func show(u *ui, e catalog.Entry) error {
	u.println(u.paint(bold+";"+cyan, e.ID))
	u.para("", u.paint(bold, e.Title))
	u.println()
	u.field("", "Symptom", labelWidth, e.Symptom)
	u.field("", "Cause", labelWidth, e.Cause)
	u.field("", "Fix", labelWidth, e.Fix)
	u.println()
	broken, err := entryCode(e, "broken.go", true)
	if err != nil {
		return err
	}
	fixed, err := entryCode(e, "fixed.go", true)
	if err != nil {
		return err
	}
	u.unified(broken, fixed)
	u.println()
	if len(e.Sources) > 0 {
		u.field("", "Sources", labelWidth, strings.Join(e.Sources, ", "))
	}
	for i, r := range e.Refs {
		label := ""
		if i == 0 {
			label = "Refs"
		}
		u.field("", label, labelWidth, r)
	}
	if e.Lint != "" {
		u.field("", "Lint", labelWidth, e.Lint+" flags the broken code")
	}
	u.field("", "Proof", labelWidth, fmt.Sprintf("go test -run '^%s$' ./%s/", e.Test, e.Topic()))
	u.field("", "", labelWidth, "broken: "+e.Broken.Says)
	u.field("", "", labelWidth, "fixed: "+e.Fixed.Says)
	u.field("", "Live", labelWidth, "procbugs run "+e.ID)
	return nil
}
