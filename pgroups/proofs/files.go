//go:build linux

package proofs

import (
	"io"
	"os"
	"path/filepath"

	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// Secret is what SecretFile holds.
const Secret = "top secret"

// SecretFile writes Secret to a file only root can reach: mode 0600 in a
// directory of mode 0700, both owned by the test's user.
func SecretFile(t childproc.T) string {
	t.Helper()
	path := filepath.Join(childproc.TempDir(t), "secret")
	if err := os.WriteFile(path, []byte(Secret), 0o600); err != nil {
		t.Fatalf("write the secret: %v", err)
	}
	return path
}

// GroupFile writes Secret to a file that only root and group gid may
// read: mode 0640, owned by root and gid, in a directory anyone may enter.
// It needs root, to give the file to gid.
func GroupFile(t childproc.T, gid int) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgroups-log-")
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "log")
	steps := []func() error{
		func() error { return os.Chmod(dir, 0o755) },
		func() error { return os.WriteFile(path, []byte(Secret), 0o600) },
		func() error { return os.Chown(path, 0, gid) },
		func() error { return os.Chmod(path, 0o640) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("write a file for group %d: %v", gid, err)
		}
	}
	return path
}

// ProgramCopy copies the child program that runs r where any user may
// execute it, for a child that starts a worker as another user: the
// program lives in the test user's cache, which nobody else may enter.
func ProgramCopy(t childproc.T, r role.Role) string {
	t.Helper()
	prog, err := childproc.Program(r)
	if err != nil {
		t.Fatalf("%v", err)
	}
	dir, err := os.MkdirTemp("", "pgroups-exe-")
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	exe := filepath.Join(dir, filepath.Base(prog))
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("%v", err)
	}
	if err := copyFile(exe, prog); err != nil {
		t.Fatalf("copy the child program: %v", err)
	}
	return exe
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
