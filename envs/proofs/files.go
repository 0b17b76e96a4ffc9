package proofs

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/stretchr/testify/require"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// InstallProgram puts a copy of the child program that runs r at
// dir/name, as an installer would put a program, and returns its path.
// It is always a copy: the program the harness built and cached is shared
// by every test and is never moved, linked or deleted; a lesson may do
// what it likes with the copy.
func InstallProgram(t childproc.T, r role.Role, dir, name string) string {
	t.Helper()
	built, err := childproc.Program(r)
	require.NoError(t, err)
	in, err := os.Open(built)
	require.NoError(t, err)
	defer in.Close()
	dst := filepath.Join(dir, name)
	require.NoError(t, writeExecutable(dst, in, 0o755), "install %s", dst)
	return dst
}

// WriteFile writes a file the proof needs, a script to run or its data,
// or ends the proof.
func WriteFile(t childproc.T, path, text string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, writeExecutable(path, strings.NewReader(text), mode))
}

// writeExecutable writes a new file that a child will run. While it is
// open for writing, no process may fork from this one: a child forked in
// that moment would hold the descriptor until it execs, and running the
// file then fails with ETXTBSY ("text file busy"). os/exec takes
// syscall.ForkLock to fork; holding it for reading keeps forks out.
func writeExecutable(path string, from io.Reader, mode os.FileMode) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, from); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// mkdirs makes the directories a proof needs, or ends the proof.
func mkdirs(t childproc.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
}
