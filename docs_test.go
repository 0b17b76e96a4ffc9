package procbugs_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
)

// These tests keep the documents true to the records: the README's index,
// docs/claims.md, docs/go-releases.md and each topic README's entry
// sections are rendered from them, and every test a record names exists.
// Regenerate with: go test . -run TestDocs -update

var update = flag.Bool("update", false, "rewrite the generated documents, then check them")

func TestMain(m *testing.M) { childproc.Main(m) }

// generated pairs a file with the part of it the records render, between
// two markers; with no markers the whole file is rendered.
type generated struct {
	path, begin, end string
	render           func() string
}

func documents() []generated {
	docs := []generated{
		{"README.md", "<!-- catalog index: generated, do not edit -->\n", "<!-- end of catalog index -->\n", catalog.IndexMarkdown},
		{"docs/claims.md", "", "", catalog.ClaimsMarkdown},
		{"docs/go-releases.md", "", "", catalog.ReleasesMarkdown},
	}
	for _, topic := range catalog.Topics() {
		docs = append(docs, generated{topic.Name + "/README.md",
			"<!-- entries: generated from the records by `go test . -run TestDocs -update`, do not edit -->\n",
			"<!-- end of entries -->\n", func() string { return catalog.TopicMarkdown(topic.Name) }})
	}
	return docs
}

func TestDocsAreGenerated(t *testing.T) {
	for _, d := range documents() {
		t.Run(d.path, func(t *testing.T) {
			got, err := os.ReadFile(d.path)
			if *update && os.IsNotExist(err) && d.begin == "" {
				err = nil
			}
			require.NoError(t, err)
			want := d.render()
			if d.begin != "" {
				before, rest, ok := strings.Cut(string(got), d.begin)
				require.True(t, ok, "%s lacks the marker %q", d.path, d.begin)
				_, after, ok := strings.Cut(rest, d.end)
				require.True(t, ok, "%s lacks the marker %q", d.path, d.end)
				want = before + d.begin + want + d.end + after
			}
			if *update && string(got) != want {
				require.NoError(t, os.WriteFile(d.path, []byte(want), 0o644))
				t.Logf("rewrote %s", d.path)
				return
			}
			assert.Equal(t, want, string(got), "%s is stale: go test . -run TestDocs -update", d.path)
		})
	}
}

func TestDocsNameRealTests(t *testing.T) {
	tests := testFunctions(t)
	for _, e := range catalog.Entries() {
		assert.Contains(t, tests, e.Topic()+"."+e.Test, "entry %s", e.ID)
		for _, c := range e.Changes {
			assert.Contains(t, tests, c.Test, "entry %s, change since %s", e.ID, c.Since)
		}
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

func TestDocsEveryClaimOfTheTextsIsCarriedOnce(t *testing.T) {
	carried := map[string]int{}
	for _, c := range catalog.Claims() {
		carried[c.ID]++
	}
	for _, l := range catalog.Ledger {
		assert.Equal(t, 1, carried[l.ID], "claim %s (%s)", l.ID, l.Source)
	}
	assert.Len(t, carried, len(catalog.Ledger), "every carried claim is in the ledger")
	t.Logf("%d claims of the two texts carried, each once", len(catalog.Ledger))
}

func TestDocsRecordsAreWellFormed(t *testing.T) {
	for _, e := range catalog.Entries() {
		topic, ok := catalog.LookupTopic(e.Topic())
		require.True(t, ok, e.ID)
		for _, file := range []string{"broken.go", "fixed.go"} {
			src, err := fs.ReadFile(topic.Files, file)
			require.NoError(t, err, e.ID)
			assert.Contains(t, methods(t, file, src), e.Func, "%s: %s has no method %s", e.ID, file, e.Func)
		}
		for _, says := range []string{e.Broken.Says, e.Fixed.Says} {
			assert.NotContains(t, says, "/", "%s: a slash in a Says sentence splits its subtest's name", e.ID)
		}
		assert.NotEmpty(t, e.Roles.Broken.Name(), e.ID)
		assert.NotEmpty(t, e.Roles.Fixed.Name(), e.ID)
		assert.NotNil(t, e.Broken.Prove, e.ID)
		assert.NotNil(t, e.Fixed.Prove, e.ID)
		assert.NotEmpty(t, e.Quiz.Scenario, "%s: the quiz needs the scenario", e.ID)
		assert.NotContains(t, e.Quiz.Scenario, "\n", "%s: the scenario is one line", e.ID)
		assert.LessOrEqual(t, len(e.Quiz.Scenario), 120, "%s: the scenario is one line", e.ID)
		if e.Quiz.AskFixed {
			assert.NotEmpty(t, e.Quiz.Wrong, "%s: a question about the fixed code needs the mistake people make about it", e.ID)
		}
	}
}

// TestRepositoryStandsAlone checks that no file points outside the
// repository, to the folder beside it where its sources were kept.
func TestRepositoryStandsAlone(t *testing.T) {
	outside := ".." + "/shared"
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !slices.Contains([]string{".go", ".md", ".sh", ".mod", ""}, filepath.Ext(path)) && d.Name() != "Makefile" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		assert.NotContains(t, string(b), outside, "%s refers outside the repository", path)
		return nil
	})
	require.NoError(t, err)
}

// testFunctions lists "topic.TestName" for every test of the topics.
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
