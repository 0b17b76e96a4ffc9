//go:build unix

package termination_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFatalFromGoroutineVet proves that go vet's testinggoroutine analyzer
// flags the t.Fatalf of broken.go's CheckAll, at its line, and nothing in
// fixed.go. It vets the two files (and common.go, the helpers they share,
// and the raise of this system) as a package of their own: the same
// analysis as on the whole package, in a fraction of the time. go test's
// own vet subset does not run this analyzer.
func TestFatalFromGoroutineVet(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("needs the go command: %v", err)
	}
	line, col := position(t, "broken.go", "t.Fatalf(")
	want := fmt.Sprintf("broken.go:%d:%d: call to (*testing.T).Fatalf from a non-test goroutine", line, col)

	raise := "raise_other.go"
	if runtime.GOOS == "linux" {
		raise = "raise_linux.go"
	}
	cmd := exec.CommandContext(t.Context(), goTool, "vet", "-testinggoroutine", "broken.go", "fixed.go", "common.go", raise)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "go vet reports a diagnostic with exit status 1:\n%s", out)
	assert.Equal(t, 1, ee.ExitCode())
	assert.Contains(t, string(out), want)
	assert.NotContains(t, string(out), "fixed.go")
	assert.Equal(t, 1, strings.Count(string(out), "non-test goroutine"), "one diagnostic:\n%s", out)
	if !t.Failed() {
		t.Logf("go vet -testinggoroutine: %s; nothing in fixed.go", want)
	}
}

// position finds the first line of file that contains s, and the column
// where s starts, counted in bytes from 1 as go/token does.
func position(t *testing.T, file, s string) (line, col int) {
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		if i := strings.Index(sc.Text(), s); i >= 0 {
			return n, i + 1
		}
	}
	t.Fatalf("%s has no %q", file, s)
	return 0, 0
}
