package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// stable is the entry the tests may name: the others come and go.
const stable = "pipes/wait-before-read"

// failsFast shares stable's method, and its broken code fails at once
// instead of hanging until the proof's bound: the exercise tests that do
// not need the hang use it, and spend no time waiting for that bound.
const failsFast = "pipes/read-after-wait"

// A cli runs the binary built for the tests.
type cli struct {
	bin      string
	dir      string    // the working directory: the module root unless set
	workshop *workshop // what scratch copies are cloned from
}

type ran struct {
	stdout, stderr string
	code           int
}

// until is the moment a test must have its answer by: a little before its
// own deadline, so that it fails with what it saw rather than being killed.
// No verdict is taken from it: it only keeps a broken command from hanging
// the run.
func until(t *testing.T) time.Time {
	if d, ok := t.Deadline(); ok {
		return d.Add(-5 * time.Second)
	}
	return time.Now().Add(10 * time.Minute)
}

// run runs the binary with args, stdin and extra environment, and returns
// what it printed and its exit status.
func (c cli) run(t *testing.T, stdin string, env []string, args ...string) ran {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), until(t))
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	require.NoError(t, ctx.Err(), "procbugs %s did not finish", strings.Join(args, " "))
	return ran{out.String(), errb.String(), code}
}

// fits checks what every command promises of piped output: no line wider
// than 80 columns and no colour.
func fits(t *testing.T, out string) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(l), width, "line %d is wider than %d columns: %q", i+1, width, l)
	}
	assert.NotContains(t, out, "\x1b[", "colour on a pipe")
}

// build returns the procbugs binary for the tests, built once per test
// binary. -trimpath keeps the source tree's path out of it, so that the
// harness finds the tree to build children from where the binary runs, as
// in a user's clone: run in a scratch copy, it never builds from the real
// tree.
//
// Linking the binary is most of what the package's tests would cost, so
// it is kept in the user's cache, named by the hash of this test binary:
// the test binary links every package the command does (and the files
// they embed), so the same test binary means the same command. Another
// test binary builds its own.
func build(t *testing.T) cli {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	built.once.Do(func() { built.path, built.err = buildCached(root) })
	require.NoError(t, built.err)
	return cli{bin: built.path, dir: root}
}

var built struct {
	once sync.Once
	path string
	err  error
}

func buildCached(root string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(self)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "procbugs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "cli-"+hex.EncodeToString(h.Sum(nil))[:20])
	if childproc.Served(bin) {
		return bin, nil
	}
	// Built under a name of its own and renamed, so that another test
	// binary building the same command at the same time never runs half a
	// file.
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	// -buildvcs=false: the checkout may belong to another user, whom git
	// would not trust, and a test binary needs no version stamp.
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", tmp, "./cmd/procbugs")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	childproc.PruneServed(dir, "cli-", bin, 6)
	return bin, nil
}

// scratch gives a test a copy of the module of its own, as git would
// check it out (no hidden directories, no node_modules, no test binaries),
// in a repository of its own, so that exercise mode finds the originals
// there. Tests that edit broken.go edit such a copy, never the real tree.
// The copy holds every file the child program is built from, so an
// unedited copy shares the real tree's child program.
//
// The module is copied and committed once, to the workshop TestCLI made;
// each test clones that. git add writes every file as an object of its
// own, and was most of each copy's time.
func scratch(t *testing.T, c cli) string {
	t.Helper()
	w := c.workshop
	require.NotNil(t, w, "scratch copies are made from TestCLI's workshop")
	w.once.Do(func() { w.err = commitCopy(w.dir, c.dir) })
	require.NoError(t, w.err)
	dst := t.TempDir()
	git(t, dst, "clone", "-q", w.dir, ".")
	return dst
}

// A workshop is the module copied and committed once, for the tests that
// need a copy to edit.
type workshop struct {
	once sync.Once
	dir  string
	err  error
}

// commitCopy copies the module at root to dst and commits it there.
func commitCopy(dst, root string) error {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := d.Name()
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		// In a linked worktree, .git is a file naming the real repository:
		// copied, it would make the workshop's git commands work on that.
		if name == ".git" || strings.HasSuffix(name, ".test") || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		return err
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=procbugs", "-c", "user.email=procbugs@localhost", "commit", "-q", "-m", "the workshop"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dst}, args...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// git runs git in dir and returns its output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return string(out)
}

// mend does what a student does: it gives each named method of broken.go
// the body of the same method in fixed.go.
func mend(t *testing.T, dir, topic string, funcs ...string) {
	t.Helper()
	path := filepath.Join(dir, topic, "broken.go")
	fixedSrc, err := os.ReadFile(filepath.Join(dir, topic, "fixed.go"))
	require.NoError(t, err)
	for _, fn := range funcs {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		b, err := findMethod(src, path, fn)
		require.NoError(t, err)
		f, err := findMethod(fixedSrc, "fixed.go", fn)
		require.NoError(t, err)
		out := append(append(append([]byte{}, src[:b.BodyStart]...), fixedSrc[f.BodyStart:f.End]...), src[b.End:]...)
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}
}

func stableEntry(t *testing.T) catalog.Entry {
	t.Helper()
	return lookup(t, stable)
}

func lookup(t *testing.T, id string) catalog.Entry {
	t.Helper()
	e, ok := catalog.Lookup(id)
	require.True(t, ok, "%s is registered", id)
	return e
}

// answerLetter is the letter of the right choice for an entry's question,
// and of a wrong one.
func answerLetters(t *testing.T, id string) (right, wrong byte) {
	t.Helper()
	e, ok := catalog.Lookup(id)
	require.True(t, ok)
	qs, err := questions([]catalog.Entry{e})
	require.NoError(t, err)
	require.Len(t, qs, 1, "%s has a quiz question", id)
	for k, c := range qs[0].choices {
		if c.Right {
			right = byte('a' + k)
		} else if wrong == 0 {
			wrong = byte('a' + k)
		}
	}
	return right, wrong
}

// output collects what a command prints and wakes whoever waits for text.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
	closed  bool
}

func collect(r io.Reader) *output {
	o := &output{changed: make(chan struct{})}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			o.mu.Lock()
			o.buf.Write(b[:n])
			o.closed = err != nil
			close(o.changed)
			o.changed = make(chan struct{})
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

// await blocks until the output holds text after offset from, and returns
// the offset just past it. The test's deadline bounds it.
func (o *output) await(t *testing.T, from int, text string) int {
	t.Helper()
	timeout := time.After(time.Until(until(t)))
	for {
		o.mu.Lock()
		s, changed, closed := o.buf.String(), o.changed, o.closed
		o.mu.Unlock()
		if i := strings.Index(s[from:], text); i >= 0 {
			return from + i + len(text)
		}
		if closed {
			t.Fatalf("the command ended without printing %q; it printed:\n%s", text, s)
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("no %q before the test's deadline; the command printed:\n%s", text, s)
		}
	}
}
