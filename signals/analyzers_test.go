//go:build unix

package signals_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sigchanyzerSays is the diagnostic go vet's sigchanyzer prints.
const sigchanyzerSays = "misuse of unbuffered os.Signal channel as argument to signal.Notify"

var vetOnce struct {
	sync.Once
	out string
	err error
}

// TestVetFlagsUnbufferedNotify runs go vet's sigchanyzer on this package:
// it must flag the Notify call of Broken.NotifyChannel and nothing in
// fixed.go. go test's own vet subset does not include sigchanyzer, which is
// why broken.go still tests.
//
// go vet takes longer than every proof here, so the test starts it, then
// steps aside (t.Parallel) while the proofs run, and reads it at the end.
// Its file is named to come first, so that it starts first.
func TestVetFlagsUnbufferedNotify(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command on PATH to run go vet")
	}
	vetOnce.Do(func() { // -count=N needs it once
		// The two files the lesson is about, and the helper they share,
		// vetted as one package: the
		// same analysis as "go vet -sigchanyzer ." in a fraction of its
		// time, since the test files and their imports are left out.
		var out strings.Builder
		cmd := exec.Command(goTool, "vet", "-sigchanyzer", "broken.go", "fixed.go", "common.go")
		cmd.Stdout, cmd.Stderr = &out, &out
		if vetOnce.err = cmd.Start(); vetOnce.err != nil {
			return
		}
		t.Parallel()
		vetOnce.err = cmd.Wait()
		vetOnce.out = out.String()
	})
	require.Error(t, vetOnce.err, "go vet found nothing:\n%s", vetOnce.out)

	line := lineAfter(t, "broken.go", "//lint:ignore SA1017")
	require.Contains(t, lineText(t, "broken.go", line), "signal.Notify(c, sig...)")
	want := fmt.Sprintf("broken.go:%d:", line)
	var diagnostics []string
	for _, l := range strings.Split(strings.TrimSpace(vetOnce.out), "\n") {
		if strings.Contains(l, sigchanyzerSays) {
			diagnostics = append(diagnostics, l)
		}
	}
	require.Len(t, diagnostics, 1, vetOnce.out)
	assert.Contains(t, diagnostics[0], want)
	assert.NotContains(t, vetOnce.out, "fixed.go")
	if !t.Failed() {
		t.Logf("go vet -sigchanyzer: %s; fixed.go clean; staticcheck SA1017 is silenced on the same line by //lint:ignore",
			strings.TrimPrefix(diagnostics[0], "./"))
	}
}

// staticcheck is the version the Makefile's lint runs.
const staticcheck = "honnef.co/go/tools/cmd/staticcheck@v0.8.2"

var staticcheckOnce struct {
	sync.Once
	out string
	err error
}

// TestStaticcheckFlagsNotifyKill runs staticcheck's SA1016 on this
// package: it must flag the os.Kill of Broken.RunLocked and nothing in
// fixed.go. broken.go silences it with //lint:ignore, so that make lint
// stays clean; -show-ignored shows what the directive hides. Like the vet
// test, it starts the analyzer, then steps aside while the proofs run.
func TestStaticcheckFlagsNotifyKill(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command on PATH to run staticcheck")
	}
	staticcheckOnce.Do(func() {
		var out strings.Builder
		bin, err := installStaticcheck(goTool)
		if err != nil {
			staticcheckOnce.out, staticcheckOnce.err = err.Error(), err
			return
		}
		cmd := exec.Command(bin, "-checks", "SA1016", "-show-ignored", "broken.go", "fixed.go", "common.go")
		cmd.Stdout, cmd.Stderr = &out, &out
		if staticcheckOnce.err = cmd.Start(); staticcheckOnce.err != nil {
			return
		}
		t.Parallel()
		staticcheckOnce.err = cmd.Wait()
		staticcheckOnce.out = out.String()
	})
	out := staticcheckOnce.out
	if staticcheckOnce.err != nil && !strings.Contains(out, "(SA1016)") && strings.HasPrefix(out, "go: ") {
		t.Skipf("needs %s, which the go command could not build here: %s", staticcheck, firstLine(out))
	}
	require.Error(t, staticcheckOnce.err, "staticcheck found nothing:\n%s", out)

	line := lineAfter(t, "broken.go", "//lint:ignore SA1016")
	require.Contains(t, lineText(t, "broken.go", line), "signal.Notify(stop, os.Interrupt, os.Kill)")
	fixed, err := os.ReadFile("fixed.go")
	require.NoError(t, err)
	require.Contains(t, string(fixed), "signal.Notify(stop, os.Interrupt, syscall.SIGTERM)",
		"fixed.go has the mended line, which staticcheck read too")
	var diagnostics []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasSuffix(l, "(SA1016)") {
			diagnostics = append(diagnostics, l)
		}
	}
	require.Len(t, diagnostics, 1, out)
	assert.True(t, strings.HasPrefix(diagnostics[0], fmt.Sprintf("broken.go:%d:", line)), diagnostics[0])
	assert.Contains(t, diagnostics[0], "os.Kill cannot be trapped")
	assert.NotContains(t, out, "fixed.go")
	if !t.Failed() {
		t.Logf("staticcheck -checks SA1016 -show-ignored: %s; nothing in fixed.go, which asks for syscall.SIGTERM; "+
			"make lint does not show it, for the //lint:ignore above it", diagnostics[0])
	}
}

// installStaticcheck returns staticcheck's binary, installed once per
// release of Go into the user's cache. go run would check and link it
// again on every run, which took longer than the analysis itself. The
// binary is installed into a directory of its own and then renamed into
// place, so that two test processes never see half a file.
func installStaticcheck(goTool string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "procbugs", "tools")
	_, version, _ := strings.Cut(staticcheck, "@")
	bin := filepath.Join(dir, "staticcheck-"+version+"-"+runtime.Version())
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	gobin, err := os.MkdirTemp(dir, "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(gobin)
	install := exec.Command(goTool, "install", staticcheck)
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go: installing %s: %v: %s", staticcheck, err, out)
	}
	return bin, os.Rename(filepath.Join(gobin, "staticcheck"), bin)
}

func firstLine(s string) string { l, _, _ := strings.Cut(strings.TrimSpace(s), "\n"); return l }

// lineAfter is the number of the line that follows the first line of file
// holding marker.
func lineAfter(t *testing.T, file, marker string) int {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), marker) {
			return n + 1
		}
	}
	t.Fatalf("%s has no line %q", file, marker)
	return 0
}

func lineText(t *testing.T, file string, n int) string {
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	require.Less(t, n-1, len(lines))
	return lines[n-1]
}
