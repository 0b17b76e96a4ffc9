package proofs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// LeadingDash is a user's value that git reads as an option.
var LeadingDash = catalog.Entry{
	ID:    "envs/leading-dash",
	Title: "A user's value that starts with \"-\" is an option to the program: git diff --output= overwrites a file",
	Symptom: "A diff endpoint given the base revision `--output=/srv/app/config.yml` returns an empty diff, " +
		"and the file it named now holds a diff.",
	Cause: "exec.Command passes no shell, so nothing is injected as a command; but the program parses its own arguments, " +
		"and an argument that starts with \"-\" is an option wherever options may come. git diff takes --output=FILE, " +
		"git fetch --upload-pack=COMMAND: a revision becomes a file write or a command.",
	Fix: "Reject values that start with \"-\", and put --end-of-options (or \"--\" where the operands are paths) before " +
		"them, so the program parses everything after it as an operand. Both: some commands (git rev-parse) ignore " +
		"--end-of-options, and a check is forgotten at the next call.",
	Refs: []string{"gogs/gogs#8390", "gogs/git-module#141", "gogs/git-module#142", "oasdiff/oasdiff#1125"},
	Func: "Diff",
	Test: "TestLeadingDash",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "a diff endpoint asks git for the diff from a base revision a user sent: --output=FILE",
		AskFixed: true,
		Wrong:    "git gets the revision after --, reports an unknown revision, and the file keeps its content",
	},
	Roles: envs.LeadingDash,
	Broken: catalog.Half{
		Says:  "the revision --output=FILE makes git overwrite the file with a diff",
		Prove: proveOptionOverwrites,
	},
	Fixed: catalog.Half{
		Says:  "the revision is refused before git runs, and the file keeps its content",
		Prove: proveOptionRefused,
	},
	Diagram: `sequenceDiagram
    participant U as user
    participant C as child
    participant G as git
    U->>C: base = "--output=config.yml"
    C->>G: git diff --output=config.yml HEAD (broken)
    G->>G: an option: write the diff to config.yml
    G-->>C: exit 0, empty stdout
    Note over C,G: fixed: refuse a leading "-", and --end-of-options`,
}

// VictimText is what the file the attack names holds before it.
const VictimText = "secret: keep\n"

// GitEnv keeps the user's and the system's git configuration out of the
// repositories these proofs make and of the git the child runs.
var GitEnv = []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
	"GIT_AUTHOR_NAME=procbugs", "GIT_AUTHOR_EMAIL=procbugs@example.com",
	"GIT_COMMITTER_NAME=procbugs", "GIT_COMMITTER_EMAIL=procbugs@example.com"}

// git runs git in repo from the test process and returns its stdout.
func git(t childproc.T, repo string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
	cmd.Env = append(cmd.Environ(), GitEnv...)
	out, err := cmd.Output()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), exitStderr(err))
	return string(out)
}

func exitStderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// GitRepo makes a repository with two commits of notes.txt, and a change
// to it not yet committed, or skips where git is missing.
func GitRepo(t childproc.T, rs ...role.Role) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		childproc.SkipWith(t, "needs git, which is not installed here", rs...)
	}
	repo := childproc.TempDir(t)
	notes := filepath.Join(repo, "notes.txt")
	git(t, repo, "init", "-q")
	WriteFile(t, notes, "one\n", 0o644)
	git(t, repo, "add", "notes.txt")
	git(t, repo, "commit", "-q", "-m", "one")
	require.NoError(t, os.WriteFile(notes, []byte("two\n"), 0o644))
	git(t, repo, "commit", "-q", "-a", "-m", "two")
	require.NoError(t, os.WriteFile(notes, []byte("three\n"), 0o644))
	return repo
}

// A diffRun is what LeadingDash's child did, and what git itself gives.
type diffRun struct {
	seen        []string // the child's events
	commits     string   // git's diff between the commits
	uncommitted string   // git's diff of the change not committed
	victim      string   // the file the attack names
	after       string   // what that file holds afterwards
}

// runDiffs has the role diff HEAD~1 HEAD in a new repository, and then
// send its --output attack at a file beside the repository. While the
// child runs, git itself gives the diffs the proofs expect: git diff only
// reads the repository.
func runDiffs(t childproc.T, r role.Role) diffRun {
	t.Helper()
	repo := GitRepo(t, r)
	victim := filepath.Join(childproc.TempDir(t), "config.yml")
	WriteFile(t, victim, VictimText, 0o644)
	p := childproc.Start(t, r, childproc.Args(repo, victim), childproc.Env(GitEnv...), childproc.Timeout(childproc.FinishBound))
	d := diffRun{victim: victim, commits: git(t, repo, "diff", "HEAD~1", "HEAD"), uncommitted: git(t, repo, "diff", "HEAD")}
	res := p.Wait(t)
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	b, err := os.ReadFile(d.victim)
	require.NoError(t, err)
	d.seen, d.after = res.Events, string(b)
	return d
}

// diffEvents are the events of the diff between the commits.
func diffEvents(diff string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(diff, "\n"), "\n") {
		out = append(out, "diff: "+line)
	}
	return append(out, "diff: ok")
}

func proveOptionOverwrites(t childproc.T, r role.Role) {
	d := runDiffs(t, r)
	require.Equal(t, append(diffEvents(d.commits), "attack: ok"), d.seen, "the attack returned no diff, and no error")
	require.True(t, strings.HasPrefix(d.uncommitted, "diff --git "), "git has a diff to write: %q", d.uncommitted)
	require.Equal(t, d.uncommitted, d.after, "git wrote its diff over the file")
	t.Logf("the base revision %sFILE came back as an empty diff, exit 0; FILE, which held %q, now holds git's diff: %q",
		envs.OutputOption, VictimText, firstLine(d.after))
}

func proveOptionRefused(t childproc.T, r role.Role) {
	d := runDiffs(t, r)
	refused := fmt.Sprintf("attack: error: diff: revision %q starts with \"-\"", envs.OutputOption+d.victim)
	require.Equal(t, append(diffEvents(d.commits), refused), d.seen)
	require.Equal(t, VictimText, d.after, "the file is untouched")
	t.Logf("the diff between the commits came back; the revision %sFILE was refused before git ran, and FILE still holds %q",
		envs.OutputOption, VictimText)
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }
