package procbugs_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	_ "procbugs/pgroups"
	_ "procbugs/pipes"
	_ "procbugs/signals"
	_ "procbugs/termination"
	_ "procbugs/zombies"
)

// These tests keep the documents true to the records: the README's index
// and docs/claims.md are rendered from them, and every test a record names
// exists. Regenerate with: go test . -run TestDocs -update

var update = flag.Bool("update", false, "rewrite the generated parts of README.md and docs/claims.md")

const indexBegin, indexEnd = "<!-- catalog index: generated, do not edit -->\n", "<!-- end of catalog index -->\n"

func TestDocsReadmeIndex(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	before, rest, ok := strings.Cut(string(readme), indexBegin)
	require.True(t, ok, "README.md lacks the index marker")
	_, after, ok := strings.Cut(rest, indexEnd)
	require.True(t, ok, "README.md lacks the end-of-index marker")
	want := before + indexBegin + catalog.IndexMarkdown() + indexEnd + after
	if *update {
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
	}
	assert.Equal(t, want, string(readme), "README.md's index is stale: go test . -run TestDocs -update")
	t.Logf("README index lists %d entries", len(catalog.Entries()))
}

func TestDocsClaims(t *testing.T) {
	want := catalog.ClaimsMarkdown()
	if *update {
		require.NoError(t, os.WriteFile("docs/claims.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("docs/claims.md")
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "docs/claims.md is stale: go test . -run TestDocs -update")
	t.Logf("docs/claims.md carries %d claims", len(catalog.Claims()))
}

func TestDocsNameRealTests(t *testing.T) {
	tests := testFunctions(t)
	for _, e := range catalog.Entries() {
		assert.Contains(t, tests, e.Topic()+"."+e.Test, "entry %s", e.ID)
	}
	for _, c := range catalog.Claims() {
		if c.Verdict == catalog.NotTested {
			assert.Empty(t, c.Test, "claim %s is NOT TESTED yet names a test", c.ID)
			assert.NotEmpty(t, c.Observed, "claim %s: say why it is not tested", c.ID)
			continue
		}
		for _, name := range strings.Split(c.Test, ", ") {
			assert.Contains(t, tests, name, "claim %s", c.ID)
		}
	}
}

func TestDocsClaimsAreUnique(t *testing.T) {
	var ids []string
	for _, c := range catalog.Claims() {
		assert.NotContains(t, ids, c.ID, "claim %s is carried twice", c.ID)
		ids = append(ids, c.ID)
	}
}

// TestDocsEveryClaimOfTheTexts checks docs/claims.md against the ledger of
// the source texts' claims, where it is beside the checkout.
func TestDocsEveryClaimOfTheTexts(t *testing.T) {
	ledger, err := os.ReadFile("../shared/claims.md")
	if err != nil {
		t.Skipf("no ledger of claims beside the checkout: %v", err)
	}
	var carried []string
	for _, c := range catalog.Claims() {
		carried = append(carried, c.ID)
	}
	var missing []string
	for _, id := range regexp.MustCompile(`(?m)^\| (C\d{3}) \|`).FindAllStringSubmatch(string(ledger), -1) {
		if !slices.Contains(carried, id[1]) {
			missing = append(missing, id[1])
		}
	}
	assert.Empty(t, missing, "claims of the texts not carried into docs/claims.md")
	t.Logf("%d claims carried", len(carried))
}

// TestDocsBrokenAndFixedHoldEachLesson checks that each entry's method
// exists on both Broken and Fixed in the topic's embedded sources.
func TestDocsBrokenAndFixedHoldEachLesson(t *testing.T) {
	for _, e := range catalog.Entries() {
		topic, ok := catalog.LookupTopic(e.Topic())
		require.True(t, ok, e.ID)
		for _, file := range []string{"broken.go", "fixed.go"} {
			src, err := fs.ReadFile(topic.Files, file)
			require.NoError(t, err, e.ID)
			assert.Contains(t, methods(t, file, src), e.Func, "%s: %s has no method %s", e.ID, file, e.Func)
		}
	}
}

// testFunctions lists "topic.TestName" for every test in the topics.
func testFunctions(t *testing.T) []string {
	var out []string
	files, err := filepath.Glob("*/*_test.go")
	require.NoError(t, err)
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				out = append(out, filepath.Dir(file)+"."+fn.Name.Name)
			}
		}
	}
	return out
}

func methods(t *testing.T, name string, src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
	require.NoError(t, err)
	var out []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
			out = append(out, fn.Name.Name)
		}
	}
	return out
}

func TestMain(m *testing.M) { childproc.Main(m) }
