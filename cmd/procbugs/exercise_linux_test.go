package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// makeExercise runs `make exercise T=pipes` on a scratch copy of the
// module, as a workshop would, with the pipes entries mended or not.
// Without a terminal on standard input it checks once.
func makeExercise(t *testing.T, c cli, mended bool) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	dir := scratch(t, c.dir)
	if mended {
		mendAll(t, dir, "pipes")
	}
	cmd := exec.Command("make", "-s", "exercise", "T=pipes")
	cmd.Dir = dir
	cmd.Env = scratchEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func makeExerciseFails(t *testing.T, c cli) {
	out, err := makeExercise(t, c, false)
	require.Error(t, err, "make exercise passes on the broken code:\n%s", out)
	n := len(catalog.Entries("pipes"))
	assert.Contains(t, out, "The proof still fails:")
	assert.Contains(t, out, fmt.Sprintf("0 of %d fixed", n))
	t.Logf("make exercise T=pipes failed on the broken code: %v", err)
}

func makeExercisePasses(t *testing.T, c cli) {
	out, err := makeExercise(t, c, true)
	require.NoError(t, err, "make exercise fails on the mended code:\n%s", out)
	n := len(catalog.Entries("pipes"))
	assert.Contains(t, out, fmt.Sprintf("%d of %d fixed", n, n))
	assert.NotContains(t, out, "The proof still fails:")
	t.Logf("make exercise T=pipes passed once its %d entries were mended", n)
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
// the offset just past it.
func (o *output) await(t *testing.T, from int, text string) int {
	t.Helper()
	timeout := time.After(buildBound)
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
			t.Fatalf("no %q after %v; the command printed:\n%s", text, buildBound, s)
		}
	}
}

// watchAndReset drives the watch mode as a student would: a save that does
// not build, r to get the original back, then a save of the fix, which the
// watch notices and checks while the check of the original still runs.
func watchAndReset(t *testing.T, c cli) {
	dir := scratch(t, c.dir)
	e := stableEntry(t)
	path := filepath.Join(dir, "pipes", "broken.go")
	topic, _ := catalog.LookupTopic("pipes")
	original, err := fs.ReadFile(topic.Files, "broken.go")
	require.NoError(t, err)

	// A student's first try, which parses but does not build.
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	m, err := findMethod(src, path, e.Func)
	require.NoError(t, err)
	edit := append(append(append([]byte{}, src[:m.BodyStart+1]...), "\n\tvar _ int = \"not an int\"\n"...), src[m.BodyStart+1:]...)
	require.NoError(t, os.WriteFile(path, edit, 0o644))

	cmd := exec.Command(c.bin, "exercise", e.ID)
	cmd.Dir = dir
	cmd.Env = scratchEnv()
	keys, err := cmd.StdinPipe()
	require.NoError(t, err)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	pw.Close()
	out := collect(pr)
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); pr.Close(); close(exited) }()
	t.Cleanup(func() { keys.Close(); <-exited })

	at := out.await(t, 0, "The proof still fails:")
	at = out.await(t, at, "build: pipes/broken.go:")
	at = out.await(t, at, "0 of 1 fixed")
	at = out.await(t, at, "Watching pipes/broken.go for saves.")

	_, err = io.WriteString(keys, "h\nl\n")
	require.NoError(t, err)
	at = out.await(t, at, "Hint 1/3: Symptom")
	at = out.await(t, at, "> now  "+e.ID)

	_, err = io.WriteString(keys, "r\n")
	require.NoError(t, err)
	at = out.await(t, at, "Restored Broken."+e.Func+" in pipes/broken.go from the original.")
	at = out.await(t, at, "Checking again.")
	restored, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(original), string(restored), "r puts the embedded original back")

	// Save the fix while the original is being checked: once the check's
	// test binary runs, its build has read the original, and the save can
	// only be noticed as a save.
	childproc.Poll(t, buildBound, "the check of the original runs its test binary", func() bool {
		for _, k := range childproc.Children(cmd.Process.Pid) {
			if childproc.Execed(k) && childproc.Comm(k) == "pipes.test" {
				return true
			}
		}
		return false
	})
	mend(t, dir, "pipes", e.Func)
	at = out.await(t, at, "Saved; checking again.")
	at = out.await(t, at, "Passes: "+e.ID)
	out.await(t, at, "1 of 1 fixed")
	<-exited
	require.NoError(t, waitErr, "exercise exits 0 once every entry passes")
	t.Logf("the watch reported the build error, r restored the original, and the saved fix passed")
}
