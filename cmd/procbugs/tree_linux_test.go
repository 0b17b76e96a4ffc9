package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDrawTree checks the drawing of a process tree, in the manner of
// pstree, on a tree given in full.
func TestDrawTree(t *testing.T) {
	var out bytes.Buffer
	u := &ui{out: &out}
	u.drawTree("  ", []*node{
		{Pid: 10, Group: 10, State: 'S', Label: "pipes/drain-in-turn/broken", Kids: []*node{
			{Pid: 11, Group: 10, State: 'S', Label: "pipes/writer", Wchan: "anon_pipe_write"},
			{Pid: 12, Group: 10, State: 'Z', Label: "sh"},
		}},
		{Pid: 20, Group: 20, State: 'R', Label: "sleep"},
	})
	want := fmt.Sprintf(`  procbugs(%d)
  ├─ pipes/drain-in-turn/broken(10) group 10, sleeping
  │  ├─ pipes/writer(11) group 10, sleeping in anon_pipe_write
  │  └─ sh(12) group 10, zombie
  └─ sleep(20) group 20, running
`, os.Getpid())
	assert.Equal(t, want, out.String())
}
