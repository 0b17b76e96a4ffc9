package role

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"reflect"
	"sort"
	"sync"
)

// Environment variables that carry a role and its control pipe to a child.
const (
	Env        = "PROCBUGS_ROLE"
	ControlEnv = "PROCBUGS_CONTROL_FD"
)

// A Role names a function that runs as the whole of a child process. Its
// return value is the child's exit status.
type Role struct{ name string }

// Named returns the role registered under name; Lookup tells whether
// there is one.
func Named(name string) Role { return Role{name: name} }

// Name is the role's registered name, such as "pipes/wait-before-read/broken".
func (r Role) Name() string { return r.name }

func (r Role) String() string { return r.name }

// A Def is what the registry knows of a role.
type Def struct {
	Name string
	Pkg  string // import path of the package that registered it: the child program links it
	Cgo  bool   // the role's code calls C: it runs in a child built with cgo
	Race bool   // the role's lesson is what the race detector reports: its child is built with -race
	run  func(args []string) int
}

// An Option changes how a role is registered.
type Option func(*Def)

// NeedsCgo marks a role whose code calls C through cgo. Every other role
// runs in a child program built without cgo, as a reader's program that
// uses os, os/exec and os/signal is.
func NeedsCgo(d *Def) { d.Cgo = true }

// NeedsRace marks a role whose lesson is what the race detector reports:
// it runs in a child built with -race (and so with cgo). No other child
// is.
func NeedsRace(d *Def) { d.Race = true }

var (
	mu   sync.Mutex
	defs = map[string]Def{}
)

// Register makes fn runnable as a child process named name, in the child
// program that links package pkg. Call it from a package-level variable,
// so that the role exists before the child looks it up. Lesson packages
// use Lesson instead, which finds pkg from their types.
func Register(pkg, name string, fn func(args []string) int, opts ...Option) Role {
	d := Def{Name: name, Pkg: pkg, run: fn}
	for _, o := range opts {
		o(&d)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := defs[name]; dup {
		panic("role: registered twice: " + name)
	}
	defs[name] = d
	return Role{name: name}
}

// Lookup returns what the registry knows of the role named name.
func Lookup(name string) (Def, bool) {
	mu.Lock()
	defer mu.Unlock()
	d, ok := defs[name]
	return d, ok
}

// Defs lists every registered role, sorted by name.
func Defs() []Def {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Def, 0, len(defs))
	for _, d := range defs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// A Lesson is the pair of types a topic teaches with, seen through the
// interface C that both satisfy:
//
//	var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}
//
// The compiler keeps broken.go and fixed.go in step through C, and the
// lesson's roles are named after its package: "pipes/...".
type Lesson[C any] struct{ Broken, Fixed C }

// A Pair is the two roles of one entry: the same scenario, run once with
// the broken code and once with the fixed code.
type Pair struct{ Broken, Fixed Role }

// Pair registers name/broken and name/fixed, which run scenario with the
// broken and with the fixed code.
func (l Lesson[C]) Pair(name string, scenario func(c C, args []string) int, opts ...Option) Pair {
	pkg, topic := l.pkg()
	return Pair{
		Broken: Register(pkg, topic+"/"+name+"/broken", func(args []string) int { return scenario(l.Broken, args) }, opts...),
		Fixed:  Register(pkg, topic+"/"+name+"/fixed", func(args []string) int { return scenario(l.Fixed, args) }, opts...),
	}
}

// Role registers a helper role of the lesson's package, such as a writer
// or a worker that the code under study starts: topic/name.
func (l Lesson[C]) Role(name string, fn func(args []string) int, opts ...Option) Role {
	pkg, topic := l.pkg()
	return Register(pkg, topic+"/"+name, fn, opts...)
}

func (l Lesson[C]) pkg() (pkg, topic string) {
	t := reflect.TypeOf(any(l.Broken))
	if t == nil || t.PkgPath() == "" {
		panic(fmt.Sprintf("role: Lesson.Broken must be a named type of the lesson's package, not %v", t))
	}
	return t.PkgPath(), path.Base(t.PkgPath())
}

// Main runs the role named in the environment and exits with its status.
// It is the whole of the child program's main.
func Main() {
	name, ok := os.LookupEnv(Env)
	if !ok {
		fmt.Fprintln(os.Stderr, "role: this program runs the catalog's child processes; its parent names the role in", Env)
		os.Exit(2)
	}
	d, found := Lookup(name)
	if !found {
		var names []string
		for _, d := range Defs() {
			names = append(names, d.Name)
		}
		fmt.Fprintf(os.Stderr, "role: unknown role %q; registered: %v\n", name, names)
		os.Exit(127)
	}
	openControl()
	send(StartedEvent)
	os.Exit(d.run(os.Args[1:]))
}

// Command returns an exec.Cmd that runs role r as a new process of the
// same child program, for code under study that needs a process of its
// own to work on: a writer, a worker, a server. It adds no control pipe,
// group or time bound: the code under study decides those.
func Command(r Role, args ...string) *exec.Cmd {
	send(UsesPrefix + r.name) // the parent counts the role as used
	cmd := exec.Command(Executable(), args...)
	cmd.Env = append(os.Environ(), Env+"="+r.name)
	return cmd
}

// Executable is the path of the running child program.
func Executable() string {
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return exe
}
