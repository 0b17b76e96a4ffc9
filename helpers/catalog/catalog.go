// Package catalog holds the records of the bug catalog. Each topic package
// registers its entries, claims and source files here once; the tests, the
// README index, docs/claims.md and cmd/procbugs all read them from here.
package catalog

import (
	"io/fs"
	"slices"
	"strings"
	"sync"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// An Entry is one bug: a broken example, its fix, and the proof of both.
type Entry struct {
	ID      string   // stable: "topic/short-name"
	Title   string   // one line, says the bug
	Symptom string   // what a user sees
	Cause   string   // what the OS and the runtime do
	Fix     string   // what the fixed code does differently, and why it works
	Sources []string // sections of the source texts: "000 §2", "001 Q4"
	Refs    []string // real-world references: "golang/go#27505", a tool's issue
	Func    string   // the method of Broken and Fixed in broken.go/fixed.go that holds the lesson
	Lint    string   // an analyzer that flags the broken code, if one does: "go vet: sigchanyzer"
	Test    string   // the test function that proves it: "TestWaitBeforeRead"
	Tree    bool     // the entry involves a process tree worth drawing
	Serial  bool     // the proof needs the test process to itself: its test does not run in parallel
	Diagram string   // a mermaid diagram of the bug, for the topic's README
	Changes []Change // behaviour that differs between Go releases
	Quiz    Quiz     // what procbugs quiz asks of the entry
	Roles   role.Pair
	Broken  Half
	Fixed   Half
}

// A Half is one side of an entry: a proof that starts the half's role in
// a child process, watches it and asserts what happens.
type Half struct {
	Says  string // a sentence: what the proof observes. No "/": it would split the subtest's name.
	Prove func(t childproc.T, r role.Role)
}

// Role is the half's role: the entry's broken or fixed role.
func (e Entry) Role(broken bool) role.Role {
	if broken {
		return e.Roles.Broken
	}
	return e.Roles.Fixed
}

// Quiz is what procbugs quiz needs of an entry beyond its record, so that
// a question takes knowledge, not elimination.
type Quiz struct {
	// Scenario says in one line what the child does, and what else runs:
	// without it, the same code could have several outcomes.
	Scenario string
	// AskFixed shows the fixed method instead of the broken one: a quiz
	// about broken code alone is won by picking the worst answer.
	AskFixed bool
	// Wrong is what people wrongly expect of the code shown. "" for a
	// question about broken code says that the fixed half's outcome is
	// that expectation, word for word.
	Wrong string
}

// Half is the entry's broken or fixed half.
func (e Entry) Half(broken bool) Half {
	if broken {
		return e.Broken
	}
	return e.Fixed
}

// Topic is the folder an entry belongs to.
func (e Entry) Topic() string { topic, _, _ := strings.Cut(e.ID, "/"); return topic }

// A Topic is one folder of the catalog.
type Topic struct {
	Name    string // the folder: "pipes"
	Title   string // "Pipes: reading a child's output without deadlock"
	Summary string
	Files   fs.FS // the topic's broken.go and fixed.go, embedded
}

// Topics in the order a course takes them.
var Order = []string{"termination", "pipes", "signals", "pgroups", "zombies", "envs"}

var (
	mu      sync.Mutex
	topics  = map[string]Topic{}
	entries []Entry
	claims  []Claim
)

// Register adds a topic with its entries and claims. Topic packages call
// it from a package-level variable or init.
func Register(t Topic, es []Entry, cs []Claim) {
	mu.Lock()
	defer mu.Unlock()
	topics[t.Name] = t
	entries = append(entries, es...)
	claims = append(claims, cs...)
}

// Topics returns the registered topics in course order.
func Topics() []Topic {
	mu.Lock()
	defer mu.Unlock()
	var out []Topic
	for _, name := range Order {
		if t, ok := topics[name]; ok {
			out = append(out, t)
		}
	}
	return out
}

// Entries returns the registered entries, by topic in course order and then
// in the order each topic listed them. With topic names, only those topics.
func Entries(only ...string) []Entry {
	mu.Lock()
	defer mu.Unlock()
	var out []Entry
	for _, name := range Order {
		if len(only) > 0 && !slices.Contains(only, name) {
			continue
		}
		for _, e := range entries {
			if e.Topic() == name {
				out = append(out, e)
			}
		}
	}
	return out
}

// Lookup finds an entry by its ID.
func Lookup(id string) (Entry, bool) {
	for _, e := range Entries() {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// LookupTopic finds a topic by name.
func LookupTopic(name string) (Topic, bool) {
	mu.Lock()
	defer mu.Unlock()
	t, ok := topics[name]
	return t, ok
}
