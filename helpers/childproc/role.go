package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Environment variables that carry a role and its control pipe to a child.
const (
	roleEnv    = "PROCBUGS_ROLE"
	controlEnv = "PROCBUGS_CONTROL_FD"
)

// A Role is a named function that runs as the whole of a child process.
// Its return value is the child's exit status.
type Role struct{ name string }

// Name is the role's registered name, such as "pipes/wait-before-read/broken".
func (r Role) Name() string { return r.name }

func (r Role) String() string { return r.name }

type roleDef struct {
	run   func(args []string) int
	owner string // import path of the package that registered it
}

var (
	rolesMu sync.Mutex
	roles   = map[string]roleDef{}
	used    = map[string]bool{}
)

// Register makes fn runnable as a child process under name. Call it from a
// package-level variable so that the role exists before Main or Dispatch
// looks for it. A second role with the same name panics.
func Register(name string, fn func(args []string) int) Role {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	if _, dup := roles[name]; dup {
		panic("childproc: role registered twice: " + name)
	}
	roles[name] = roleDef{run: fn, owner: callerPackage(2)}
	return Role{name: name}
}

// Roles lists every registered role name, sorted.
func Roles() []string {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func markUsed(r Role) error {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	if _, ok := roles[r.name]; !ok {
		return fmt.Errorf("childproc: unknown role %q (is its package imported, and its Register call at package level?)", r.name)
	}
	used[r.name] = true
	return nil
}

// unusedRoles lists the roles registered by package owner that no child ran.
func unusedRoles(owner string) []string {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	var out []string
	for n, d := range roles {
		if d.owner == owner && !used[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// callerPackage is the import path of the function skip frames up, with a
// test package's "_test" suffix removed.
func callerPackage(skip int) string {
	pc, _, _, ok := runtime.Caller(skip)
	if !ok {
		return ""
	}
	name := runtime.FuncForPC(pc).Name() // e.g. "procbugs/pipes_test.TestMain"
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return name
	}
	return strings.TrimSuffix(name[:slash+1+dot], "_test")
}

// Dispatch runs the role named in the environment, if there is one, and
// exits with its status. It returns at once in a process that is not a
// child. A command calls it first thing in main; test binaries use Main.
func Dispatch() {
	name, ok := os.LookupEnv(roleEnv)
	if !ok {
		return
	}
	rolesMu.Lock()
	def, found := roles[name]
	rolesMu.Unlock()
	if !found {
		fmt.Fprintf(os.Stderr, "childproc: unknown role %q; registered: %s\n", name, strings.Join(Roles(), ", "))
		os.Exit(127)
	}
	openControl()
	os.Exit(def.run(os.Args[1:]))
}

// Command returns an exec.Cmd that runs role r in a new process, for a
// child that needs a process of its own to demonstrate on (a noisy writer,
// a worker). Unlike Start it adds no control pipe, group or time bound:
// the code under study decides those.
func Command(r Role, args ...string) *exec.Cmd {
	// Tell the parent the role is in use, for its unused-role check.
	Emit(usesEvent + r.name)
	cmd := exec.Command(executable(), args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+r.name)
	return cmd
}

func executable() string {
	exe, err := os.Executable()
	if err != nil {
		return os.Args[0]
	}
	return exe
}

// SkipWith skips a test whose proof cannot run here (it needs root, cgo or a
// namespace), and counts its roles as accounted for, so that the unused-role
// check of a full run does not fail for them.
func SkipWith(t T, reason string, rs ...Role) {
	t.Helper()
	for _, r := range rs {
		markUsed(r)
	}
	t.Skipf("%s", reason)
}
