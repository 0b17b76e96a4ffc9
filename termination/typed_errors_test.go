//go:build unix

package termination

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
)

// typedErrors starts commands that fail in each way 000 §17 names and
// reports the type of each error and what errors.Is and os.IsNotExist say.
var typedErrors = childproc.Register("termination/claim/typed-errors", func([]string) int {
	dir, _ := os.MkdirTemp("", "typed-errors-*")
	defer os.RemoveAll(dir)
	notExecutable := filepath.Join(dir, "script")
	os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644)

	describe := func(name string, err error) {
		childproc.Emitf("%s: %T ErrNotExist=%t ErrPermission=%t ErrExist=%t ErrNotFound=%t", name, err,
			errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrExist),
			errors.Is(err, exec.ErrNotFound))
	}
	describe("exit 2", exec.Command("/bin/sh", "-c", "exit 2").Run())
	describe("not executable", exec.Command(notExecutable).Run())
	describe("missing path", exec.Command(filepath.Join(dir, "missing")).Run())
	describe("missing in PATH", exec.Command("no-such-program-anywhere").Run())
	_, err := os.OpenFile(notExecutable, os.O_CREATE|os.O_EXCL, 0o644)
	describe("O_EXCL on an existing file", err)

	_, err = os.Open(filepath.Join(dir, "missing"))
	wrapped := fmt.Errorf("loading config: %w", err)
	childproc.Emitf("bare: os.IsNotExist=%t errors.Is=%t; wrapped: os.IsNotExist=%t errors.Is=%t",
		os.IsNotExist(err), errors.Is(err, fs.ErrNotExist), os.IsNotExist(wrapped), errors.Is(wrapped, fs.ErrNotExist))
	return 0
})

func TestTypedErrors(t *testing.T) {
	res := childproc.Run(t, typedErrors)
	require.Equal(t, 0, res.ExitCode, res.Stderr)
	assert.Equal(t, []string{
		"exit 2: *exec.ExitError ErrNotExist=false ErrPermission=false ErrExist=false ErrNotFound=false",
		"not executable: *fs.PathError ErrNotExist=false ErrPermission=true ErrExist=false ErrNotFound=false",
		"missing path: *fs.PathError ErrNotExist=true ErrPermission=false ErrExist=false ErrNotFound=false",
		"missing in PATH: *exec.Error ErrNotExist=false ErrPermission=false ErrExist=false ErrNotFound=true",
		"O_EXCL on an existing file: *fs.PathError ErrNotExist=false ErrPermission=false ErrExist=true ErrNotFound=false",
		"bare: os.IsNotExist=true errors.Is=true; wrapped: os.IsNotExist=false errors.Is=true",
	}, res.Events)
	for _, e := range res.Events {
		t.Logf("%s", e)
	}
}
