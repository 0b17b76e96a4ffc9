package procbugs_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
)

// TestLessonsLinkOnlyWhatTheyTeach checks that no lesson package, the code
// that runs in the child processes, depends on the test machinery: the
// process under study must be the reader's program.
func TestLessonsLinkOnlyWhatTheyTeach(t *testing.T) {
	forbidden := []string{"github.com/stretchr/testify", "procbugs/helpers/childproc", "procbugs/helpers/catalog",
		"procbugs/helpers/procfs", "go.uber.org/goleak"}
	// One go list for every lesson: the go command's start-up is most of
	// its time.
	args := []string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}
	for _, topic := range catalog.Topics() {
		args = append(args, "procbugs/"+topic.Name)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, len(catalog.Topics()), "one line per lesson package:\n%s", out)
	for _, line := range lines {
		deps := strings.Fields(line)
		for _, f := range forbidden {
			for _, d := range deps[1:] {
				assert.False(t, d == f || strings.HasPrefix(d, f+"/"), "%s links %s", deps[0], d)
			}
		}
	}
	t.Logf("%d lesson packages link neither testify nor the harness's parent side", len(catalog.Topics()))
}
