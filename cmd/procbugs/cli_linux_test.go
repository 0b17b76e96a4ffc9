package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
)

// stable is the entry the tests may name: the others come and go.
const stable = "pipes/wait-before-read"

// bound keeps a broken command from hanging the tests; no test waits on it.
const bound = 60 * time.Second

// buildBound is the bound where a command builds a scratch copy: with a
// cold build cache on a busy machine that takes minutes.
const buildBound = 5 * time.Minute

// A cli runs the binary built for the tests.
type cli struct {
	bin string
	dir string // the working directory, the module root unless set
}

type ran struct {
	stdout, stderr string
	code           int
}

// run runs the binary with args, stdin and extra environment, and returns
// what it printed and its exit status.
func (c cli) run(t *testing.T, stdin string, env []string, args ...string) ran {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
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

// build compiles the binary once for all the subtests of a test, into a
// directory removed when they are done.
func build(t *testing.T) cli {
	t.Helper()
	root, err := moduleRoot()
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "procbugs")
	// -buildvcs=false: the checkout may belong to another user, whom git
	// would not trust, and a test binary needs no version stamp.
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "build: %s", out)
	return cli{bin: bin, dir: root}
}

// scratch copies the module to a temporary directory: go.mod, go.sum, the
// Makefile, helpers/, cmd/ and every topic. Tests that edit broken.go edit
// this copy, never the real tree.
func scratch(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	parts := []string{"go.mod", "go.sum", "Makefile", "helpers", "cmd"}
	for _, topic := range catalog.Topics() {
		parts = append(parts, topic.Name)
	}
	for _, p := range parts {
		err := filepath.WalkDir(filepath.Join(root, p), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		})
		require.NoError(t, err)
	}
	return dst
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

// mendAll mends every entry of a topic at once: broken.go becomes fixed.go
// with its type named Broken, imports and all.
func mendAll(t *testing.T, dir, topic string) {
	t.Helper()
	fixed, err := os.ReadFile(filepath.Join(dir, topic, "fixed.go"))
	require.NoError(t, err)
	mended := regexp.MustCompile(`\bFixed\b`).ReplaceAll(fixed, []byte("Broken"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, topic, "broken.go"), mended, 0o644))
}

// scratchEnv is the environment of a go command that builds a scratch copy.
// With -trimpath the build cache keys leave out the directory
// (buildActionID in $GOROOT/src/cmd/go/internal/work/exec.go), so the
// copies share what earlier runs compiled instead of starting afresh.
func scratchEnv() []string {
	return append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"))
}

func stableEntry(t *testing.T) catalog.Entry {
	t.Helper()
	e, ok := catalog.Lookup(stable)
	require.True(t, ok, "%s is registered", stable)
	return e
}
