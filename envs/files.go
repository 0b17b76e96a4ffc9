package envs

import (
	"io"
	"os"
	"path/filepath"
	"runtime"

	"procbugs/helpers/childproc"
)

// tempDir is t.TempDir for a childproc.T: a new directory, removed when
// the test ends.
func tempDir(t childproc.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "procbugs-envs-*")
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// installBinary puts a copy of the running test binary at dir/name, as an
// installer would put a program: a hard link where the file system allows
// it, a copy where it does not.
func installBinary(t childproc.T, dir, name string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("%v", err)
	}
	dst := filepath.Join(dir, name)
	if os.Link(exe, dst) == nil {
		return dst
	}
	if err := copyFile(exe, dst); err != nil {
		t.Fatalf("install %s: %v", dst, err)
	}
	return dst
}

func copyFile(src, dst string) error {
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

// writeFile writes a file the test needs, or ends the test.
func writeFile(t childproc.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatalf("%v", err)
	}
}
