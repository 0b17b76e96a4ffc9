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
	for _, topic := range catalog.Topics() {
		out, err := exec.Command("go", "list", "-deps", "procbugs/"+topic.Name).CombinedOutput()
		require.NoError(t, err, "%s", out)
		deps := strings.Fields(string(out))
		for _, f := range forbidden {
			for _, d := range deps {
				assert.False(t, d == f || strings.HasPrefix(d, f+"/"), "procbugs/%s links %s", topic.Name, d)
			}
		}
	}
	t.Logf("%d lesson packages link neither testify nor the harness's parent side", len(catalog.Topics()))
}
