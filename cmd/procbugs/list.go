package main

import (
	"flag"
	"fmt"
	"strings"

	"procbugs/helpers/catalog"
)

const listHelp = `Usage: procbugs list [--markdown] [TOPIC...]

Lists the catalog grouped by topic: each entry's ID, title and the sections
of the source texts it comes from ("000 §2" is the senior guide, section 2;
"001 Q4" the interview questions, question 4).

  --markdown   print the README's catalog index instead

Examples:
  procbugs                    the whole catalog
  procbugs list pipes         one topic
  procbugs list --markdown    the index table that README.md carries
`

func cmdList(u *ui, args []string) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	markdown := fs.Bool("markdown", false, "print the README's catalog index")
	words, status := parse(u, fs, listHelp, args)
	if status != nil {
		return *status
	}
	if *markdown {
		u.printf("%s", catalog.IndexMarkdown())
		return exitOK
	}
	for _, w := range words {
		if _, ok := catalog.LookupTopic(w); !ok {
			var topics []string
			for _, t := range catalog.Topics() {
				topics = append(topics, t.Name)
			}
			return fail(u, "list", fmt.Errorf("no topic %q%s", w, didYouMean(w, topics)))
		}
	}
	entries := catalog.Entries(words...)
	idWidth := 0
	for _, e := range entries {
		idWidth = max(idWidth, len(e.ID))
	}
	idWidth = min(idWidth, 36)
	indent := strings.Repeat(" ", 2+idWidth+2)

	u.println(u.paint(bold, "procbugs") + ": Go process-lifecycle bugs, each proven in real child processes")
	topics := 0
	for _, t := range catalog.Topics() {
		es := catalog.Entries(t.Name)
		if len(es) == 0 || (len(words) > 0 && !contains(words, t.Name)) {
			continue
		}
		topics++
		u.println()
		u.println(u.paint(bold+";"+cyan, t.Title))
		for _, e := range es {
			id := e.ID
			if len(id) > idWidth {
				u.printf("  %s\n%s", u.paint(bold, id), indent)
			} else {
				u.printf("  %s  ", u.paint(bold, fmt.Sprintf("%-*s", idWidth, id)))
			}
			for i, l := range wrap(e.Title, width-len(indent)) {
				if i > 0 {
					u.printf("%s", indent)
				}
				u.printf("%s\n", l)
			}
			if len(e.Sources) > 0 {
				u.printf("%s%s\n", indent, u.paint(dim, strings.Join(e.Sources, ", ")))
			}
		}
	}
	u.println()
	u.printf("%s in %s.\n", plural(len(entries), "entry", "entries"), plural(topics, "topic", "topics"))
	u.println("Next: procbugs show ID explains one; procbugs run proves them all live.")
	return exitOK
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}
