package diagrams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	// column is the width of the Markdown column the diagrams are judged in,
	// near what a code host gives a README on a desktop screen.
	column = 1000
	// minScale is the least a diagram may be shrunk to fit the column: below
	// it, mermaid's 16-px text drops under 10 px and is hard to read.
	minScale = 0.6
	// virtualBudget bounds the page's virtual time. Virtual time stands still
	// while the page computes and jumps ahead while it idles, so the budget
	// costs nothing once the page is done; it only ends a page that waits on
	// a timer forever. A page cut short has no verdict and fails.
	virtualBudget = 60 * time.Second
	// wallBudget bounds the whole Chromium run in real time.
	wallBudget = 3 * time.Minute
	// slack is how far, in px, a note's text may reach past its box: less
	// than the stroke and rounding of a box that fits.
	slack = 1
)

// block is one ```mermaid fence of a Markdown file.
type block struct {
	File     string // slash-separated, relative to the module root
	Line     int    // 1-based line of the opening fence
	Source   string
	Unclosed bool // the fence runs to the end of the file
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// verdict is what the page measured of one diagram.
type verdict struct {
	Error         string  // parse or render error
	NaturalWidth  float64 // the SVG's viewBox width
	RenderedWidth float64 // its laid-out width in the column
	Spills        []spill
}

// spill is a sequence-diagram note whose text reaches past its box.
type spill struct {
	Text                string
	BoxLeft, BoxRight   float64
	TextLeft, TextRight float64
}

// report is what the page says of one run.
type report struct {
	Fatal    string
	Font     sample
	Verdicts []verdict
}

// sample is the width of one line of text set in mermaid's font family and
// in Liberation Sans, the only family the page is offered.
type sample struct {
	Family     string
	Width      float64
	Liberation float64
}

func TestMermaidDiagrams(t *testing.T) {
	// A browser drawing every diagram takes several seconds, more than
	// the rest of a package's tests are allowed; make diagrams asks for it.
	if os.Getenv("PROCBUGS_DIAGRAMS") == "" {
		t.Skip("renders every diagram in Chromium: run `make diagrams` (PROCBUGS_DIAGRAMS=1)")
	}
	root := moduleRoot(t)
	chromium := findChromium(t)
	dir := filepath.Join(root, "docs", "diagrams")
	bundle := filepath.Join(dir, "node_modules", "mermaid", "dist", "mermaid.min.js")
	if _, err := os.Stat(bundle); err != nil {
		t.Skipf("mermaid is not installed (%v): run `npm ci --prefix docs/diagrams` from the module root", err)
	}
	version := installedVersion(t, dir)
	fonts := fontConfig(t)

	blocks, err := collect(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) == 0 {
		t.Fatalf("no ```mermaid block in any Markdown file under %s: the walk or the fence parser is broken", root)
	}

	all := make([]block, 0, len(controls)+len(blocks))
	for _, c := range controls {
		all = append(all, block{File: "control-" + c.name, Line: 1, Source: c.source})
	}
	all = append(all, blocks...)
	rep := render(t, chromium, bundle, fonts, all)
	if f := rep.Font; math.Abs(f.Width-f.Liberation) > 0.01 {
		t.Fatalf("mermaid's font family %s sets a sample line %.1f px wide, Liberation Sans %.1f px: Chromium did not take the fonts it was offered, so the widths would not be CI's",
			f.Family, f.Width, f.Liberation)
	}
	t.Logf("mermaid %s, text in Liberation Sans, %d diagrams from the Markdown", version, len(blocks))

	// The controls go through the same page and judgement as the repository's
	// diagrams; if they are not told apart, no verdict below means anything.
	for i, c := range controls {
		reasons := judge(all[i], rep.Verdicts[i])
		t.Run("control-"+c.name, func(t *testing.T) {
			switch {
			case c.want == "" && len(reasons) > 0:
				t.Errorf("a good diagram was failed: %s", strings.Join(reasons, "; "))
			case c.want != "" && !anyContains(reasons, c.want):
				t.Errorf("want a failure mentioning %q, got %q (measured %+v)", c.want, reasons, rep.Verdicts[i])
			}
		})
	}
	if t.Failed() {
		t.Fatal("the controls were misjudged, so the diagrams' verdicts cannot be trusted")
	}

	for i, b := range blocks {
		v := rep.Verdicts[len(controls)+i]
		t.Run(b.String(), func(t *testing.T) {
			if v.Error == "" && v.NaturalWidth > 0 {
				t.Logf("%.0f px wide, drawn at %.0f %%", v.NaturalWidth, 100*v.RenderedWidth/v.NaturalWidth)
			}
			for _, r := range judge(b, v) {
				t.Errorf("%s: %s", b, r)
			}
		})
	}
}

func TestFences(t *testing.T) {
	md := strings.Join([]string{
		"# a page",            // 1
		"```mermaid",          // 2
		"flowchart LR",        // 3
		"    a --> b",         // 4
		"```",                 // 5
		"````markdown",        // 6
		"```mermaid",          // 7: shown, not drawn
		"flowchart LR",        // 8
		"```",                 // 9
		"````",                // 10
		"~~~ mermaid {.wide}", // 11
		"sequenceDiagram",     // 12
		"~~~~",                // 13
		"  ```mermaid\r",      // 14
		"  flowchart TD\r",    // 15
		"    x --> y\r",       // 16
		"  ```\r",             // 17
		"    ```mermaid",      // 18: indented code, not a fence
		"``` mermaid-js",      // 19: another language
		"```",                 // 20
		"```mermaid",          // 21
		"pie",                 // 22
	}, "\n") + "\n"
	want := []block{
		{File: "x.md", Line: 2, Source: "flowchart LR\n    a --> b"},
		{File: "x.md", Line: 11, Source: "sequenceDiagram"},
		{File: "x.md", Line: 14, Source: "flowchart TD\n  x --> y"},
		{File: "x.md", Line: 21, Source: "pie", Unclosed: true},
	}
	got := mermaidBlocks("x.md", []byte(md))
	if !slices.Equal(got, want) {
		t.Fatalf("got blocks\n%#v\nwant\n%#v", got, want)
	}
	if r := judge(got[3], verdict{NaturalWidth: 100, RenderedWidth: 100}); !anyContains(r, "never closed") {
		t.Errorf("an unclosed fence is not reported: %q", r)
	}
}

func TestExplain(t *testing.T) {
	b := block{File: "x/README.md", Line: 40}
	msg := "Parse error on line 6:\n...the check    else fixed\n---^\nExpecting " +
		strings.Repeat("'SOLID_ARROW', ", 20) + "'DOTTED_POINT', got 'NEWLINE'"
	got := explain(b, msg)
	for _, want := range []string{"x/README.md:46: Parse error on line 6", "Expecting one of 21 tokens, got 'NEWLINE'"} {
		if !strings.Contains(got, want) {
			t.Errorf("explain gave %q, want it to contain %q", got, want)
		}
	}
}

// controls are diagrams whose verdicts are known. want is a phrase of the
// reason each must fail with; the good one must not fail at all.
var controls = []struct{ name, source, want string }{
	{"good", `sequenceDiagram
    participant P as parent
    participant C as child
    P->>C: start
    Note over P,C: a short note
    C-->>P: exit 0`, ""},
	// A semicolon ends a mermaid statement, so the rest of the message is
	// read as a statement of its own.
	{"semicolon", `sequenceDiagram
    A->>B: read the pipe; then wait
    B-->>A: done`, "mermaid cannot"},
	{"wide", `flowchart LR
    a[the parent starts the child process] --> b[the child inherits every descriptor]
    b --> c[the parent closes its copy of the write end]
    c --> d[the child writes its whole output to the pipe]
    d --> e[the parent reads the pipe until end of file]
    e --> f[the parent waits for the child to exit]
    f --> g[the parent reports the exit status to the test]
    g --> h[the test compares the status with the broken half]
    h --> i[the test runs the fixed half the same way]
    i --> j[the test compares the status with the fixed half]
    j --> k[the test reports both halves side by side]`, "shrunk to"},
	// A note over two actors is as wide as the gap between them, whatever
	// its text, unless mermaid is told to wrap it.
	{"spilling-note", `sequenceDiagram
    participant A
    participant B
    A->>B: go
    Note over A,B: this note says far more than the gap between its two actors can hold`, "spills out of its box"},
}

func anyContains(reasons []string, phrase string) bool {
	for _, r := range reasons {
		if strings.Contains(r, phrase) {
			return true
		}
	}
	return false
}

// judge turns a verdict into the reasons the diagram fails, if any.
func judge(b block, v verdict) []string {
	var reasons []string
	if b.Unclosed {
		reasons = append(reasons, "the ```mermaid fence is never closed, so the rest of the file is taken for the diagram")
	}
	if v.Error != "" {
		return append(reasons, "mermaid cannot render it: "+explain(b, v.Error))
	}
	if v.NaturalWidth <= 0 || v.RenderedWidth <= 0 {
		return append(reasons, fmt.Sprintf("the page measured no width (natural %.0f px, rendered %.0f px)", v.NaturalWidth, v.RenderedWidth))
	}
	if scale := v.RenderedWidth / v.NaturalWidth; scale < minScale {
		reasons = append(reasons, fmt.Sprintf("shrunk to %.0f %% in a %d-px column: the diagram is %.0f px wide, and at most %.0f px keeps its text at %.0f %% or more",
			100*scale, column, v.NaturalWidth, column/minScale, 100*minScale))
	}
	if v.RenderedWidth > column+0.5 {
		reasons = append(reasons, fmt.Sprintf("drawn %.0f px wide, past the %d-px column", v.RenderedWidth, column))
	}
	for _, s := range v.Spills {
		reasons = append(reasons, fmt.Sprintf("the note %q spills out of its box: its text spans x = %.0f to %.0f, the box %.0f to %.0f",
			s.Text, s.TextLeft, s.TextRight, s.BoxLeft, s.BoxRight))
	}
	return reasons
}

var (
	diagramLine = regexp.MustCompile(`(?i)\bon line (\d+)`)
	// mermaid's parser lists every token it would have taken, often dozens.
	expecting = regexp.MustCompile(`(?m)^Expecting (.{160,}), got (.*)$`)
)

// explain points a mermaid error at the Markdown line it is about, and cuts
// the list of tokens the parser expected.
func explain(b block, msg string) string {
	msg = strings.TrimSpace(msg)
	if m := diagramLine.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			msg = fmt.Sprintf("%s:%d: %s", b.File, b.Line+n, msg)
		}
	}
	msg = expecting.ReplaceAllStringFunc(msg, func(line string) string {
		m := expecting.FindStringSubmatch(line)
		return fmt.Sprintf("Expecting one of %d tokens, got %s", strings.Count(m[1], ",")+1, m[2])
	})
	return strings.ReplaceAll(msg, "\n", "\n\t")
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("no chromium on PATH: `apt-get install chromium fonts-liberation`, or name a Chromium binary in CHROMIUM")
	return ""
}

// fontConfig writes a fontconfig file that offers Chromium the Liberation
// fonts and no others, and returns its path. Diagram and note widths follow
// the fonts the browser finds; with these, every machine measures what CI
// does, in Arial's metrics, close to what most readers see.
func fontConfig(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the fonts are pinned through fontconfig, which Chromium uses on Linux only, not on %s", runtime.GOOS)
	}
	var dir string
	for _, fonts := range []string{"/usr/share/fonts", "/usr/local/share/fonts"} {
		filepath.WalkDir(fonts, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Name() == "LiberationSans-Regular.ttf" {
				dir = filepath.Dir(path)
				return fs.SkipAll
			}
			return nil
		})
		if dir != "" {
			break
		}
	}
	if dir == "" {
		t.Skip("Liberation Sans is not installed, and the diagrams' widths depend on the font: `apt-get install fonts-liberation`")
	}
	tmp := t.TempDir()
	var conf bytes.Buffer
	conf.WriteString("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n<fontconfig>\n")
	for _, e := range []struct{ tag, text string }{
		{"dir", dir},
		{"cachedir", filepath.Join(tmp, "cache")},
		// The system's rules, for Arial's alias and the generic families;
		// they add no font directories of their own.
		{`include ignore_missing="yes"`, "/etc/fonts/conf.d"},
	} {
		fmt.Fprintf(&conf, "  <%s>%s</%s>\n", e.tag, html.EscapeString(e.text), strings.Fields(e.tag)[0])
	}
	conf.WriteString("</fontconfig>\n")
	path := filepath.Join(tmp, "fonts.conf")
	if err := os.WriteFile(path, conf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// installedVersion returns the version of mermaid in node_modules, and fails
// unless it is the one package.json pins: a stale install draws with another
// parser and layout than CI's.
func installedVersion(t *testing.T, dir string) string {
	t.Helper()
	var pinned, installed struct {
		Version      string
		Dependencies map[string]string
	}
	for _, f := range []struct {
		path string
		into any
	}{
		{filepath.Join(dir, "package.json"), &pinned},
		{filepath.Join(dir, "node_modules", "mermaid", "package.json"), &installed},
	} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, f.into); err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
	}
	if want := pinned.Dependencies["mermaid"]; installed.Version != want {
		t.Fatalf("node_modules holds mermaid %q, package.json pins %q: run `npm ci --prefix docs/diagrams`", installed.Version, want)
	}
	return installed.Version
}

// collect finds every ```mermaid block in the Markdown files under root,
// leaving out node_modules and dot directories.
func collect(root string) ([]block, error) {
	var blocks []block
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // moved away while the walk was under way
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.EqualFold(filepath.Ext(path), ".md") {
			return nil
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		blocks = append(blocks, mermaidBlocks(filepath.ToSlash(rel), data)...)
		return nil
	})
	return blocks, err
}

// mermaidBlocks reads fenced code blocks as CommonMark does, so that a
// ```mermaid shown inside a longer or a ~~~ fence is not taken for a diagram.
// Fences inside list items and block quotes are not looked for.
func mermaidBlocks(file string, data []byte) []block {
	var (
		blocks []block
		open   bool
		fence  string // the opening run of backticks or tildes
		ind    int    // the opening fence's indentation, taken off its lines
		cur    *block
		body   []string
	)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if !open {
			n, run, info, ok := fenceLine(line)
			if !ok || (run[0] == '`' && strings.Contains(info, "`")) {
				continue
			}
			open, fence, ind = true, run, n
			if words := strings.Fields(info); len(words) > 0 && words[0] == "mermaid" {
				cur = &block{File: file, Line: i + 1}
				body = body[:0]
			}
			continue
		}
		if _, run, info, ok := fenceLine(line); ok && run[0] == fence[0] && len(run) >= len(fence) && info == "" {
			if cur != nil {
				cur.Source = strings.Join(body, "\n")
				blocks = append(blocks, *cur)
				cur = nil
			}
			open = false
			continue
		}
		if cur != nil {
			body = append(body, dedent(line, ind))
		}
	}
	if cur != nil {
		cur.Source = strings.Join(body, "\n")
		cur.Unclosed = true
		blocks = append(blocks, *cur)
	}
	return blocks
}

// fenceLine reports whether line is a code fence: at most three spaces, then
// three or more backticks or tildes, then an info string.
func fenceLine(line string) (indent int, run, info string, ok bool) {
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	if indent > 3 || indent == len(line) || (line[indent] != '`' && line[indent] != '~') {
		return 0, "", "", false
	}
	end := indent
	for end < len(line) && line[end] == line[indent] {
		end++
	}
	if end-indent < 3 {
		return 0, "", "", false
	}
	return indent, line[indent:end], strings.TrimSpace(line[end:]), true
}

func dedent(line string, n int) string {
	for i := 0; i < n && strings.HasPrefix(line, " "); i++ {
		line = line[1:]
	}
	return line
}

// render draws every block in one Chromium run and returns the page's report,
// with a verdict for each block in order. The page puts its report in the DOM
// once it has drawn them all; Chromium dumps the DOM when the page's virtual
// time budget is spent.
func render(t *testing.T, chromium, bundle, fonts string, blocks []block) report {
	t.Helper()
	sources := make([]string, len(blocks))
	for i, b := range blocks {
		sources[i] = b.Source
	}
	// json.Marshal escapes <, > and &, so no source can close the script
	// element it is put in.
	input, err := json.Marshal(sources)
	if err != nil {
		t.Fatal(err)
	}
	// One pass, so that nothing in the sources is taken for a placeholder.
	doc := strings.NewReplacer(
		"{{column}}", strconv.Itoa(column),
		"{{slack}}", strconv.Itoa(slack),
		"{{diagrams}}", string(input),
	).Replace(pageHTML)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, doc)
	})
	mux.HandleFunc("GET /mermaid.min.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), wallBudget)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-dev-shm-usage", "--no-proxy-server", "--mute-audio",
		"--hide-scrollbars", "--window-size=1280,1024",
		"--user-data-dir="+profile,
		"--virtual-time-budget="+strconv.FormatInt(virtualBudget.Milliseconds(), 10),
		"--dump-dom", srv.URL+"/")
	// The XDG directories keep Chromium's and fontconfig's caches and
	// settings out of the user's home, which may not be writable, and keep a
	// user's own font settings out of the measurements.
	cmd.Env = append(os.Environ(),
		"FONTCONFIG_FILE="+fonts, "XDG_CONFIG_HOME="+profile, "XDG_CACHE_HOME="+profile, "XDG_DATA_HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A renderer left holding the output pipes must not keep Wait waiting.
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("Chromium drew %d diagrams, the controls included, in %v", len(blocks), time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("Chromium did not finish within %v; its stderr:\n%s", wallBudget, tail(stderr.String()))
	}

	dom := stdout.String()
	out, ok := between(dom, `<pre id="verdict">`, `</pre>`)
	if !ok {
		where := "before the page's script ran"
		if p, ok := between(dom, `<pre id="progress">`, `</pre>`); ok {
			if i, err := strconv.Atoi(p); err == nil && i >= 0 && i < len(blocks) {
				where = "while it was drawing the diagram at " + blocks[i].String()
			}
		}
		t.Fatalf("the page left no verdict: Chromium dumped it %s (virtual time budget %v, exit: %v)\nstderr:\n%s\nDOM (first 2000 bytes):\n%s",
			where, virtualBudget, runErr, tail(stderr.String()), head(dom, 2000))
	}
	var rep report
	if err := json.Unmarshal([]byte(html.UnescapeString(out)), &rep); err != nil {
		t.Fatalf("the page's verdict is not JSON: %v\n%s", err, head(out, 2000))
	}
	if rep.Fatal != "" {
		t.Fatalf("the page could not draw the diagrams: %s", rep.Fatal)
	}
	if len(rep.Verdicts) != len(blocks) {
		t.Fatalf("the page judged %d diagrams, want %d", len(rep.Verdicts), len(blocks))
	}
	if runErr != nil {
		t.Logf("Chromium exited with %v after dumping the page; its stderr:\n%s", runErr, tail(stderr.String()))
	}
	return rep
}

// between returns the text after the last begin in s, up to end.
func between(s, begin, end string) (string, bool) {
	i := strings.LastIndex(s, begin)
	if i < 0 {
		return "", false
	}
	in, _, ok := strings.Cut(s[i+len(begin):], end)
	return in, ok
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// tail returns the last lines of Chromium's stderr, less its complaints
// that a headless machine has no D-Bus.
func tail(s string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if !strings.Contains(l, ":ERROR:dbus/") {
			lines = append(lines, l)
		}
	}
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// pageHTML draws each diagram in turn into a column as wide as column, with
// mermaid's defaults, as a code host's Markdown view does, and measures it.
//
// The width a reader sees: mermaid gives its SVG width 100 % and a max-width
// of its natural width, so in the column it is drawn at min(column, natural)
// px. The page reads the natural width from the viewBox and the drawn width
// from the laid-out SVG, and the scale is their ratio.
//
// A note of a sequence diagram is a rect.note with its text.noteText lines in
// the same group; a note spills when the union of its lines' boxes reaches
// more than a pixel past either side of the rect.
const pageHTML = `<!doctype html>
<html><head><meta charset="utf-8">
<style>
body { margin: 0; }
#column { width: {{column}}px; }
</style>
<script src="/mermaid.min.js"></script>
</head><body>
<div id="column"></div>
<pre id="progress">-1</pre>
<script id="diagrams" type="application/json">{{diagrams}}</script>
<script>
"use strict";
const message = (e) => String((e && (e.message || e.str)) || e);

async function check(i, text, column) {
  const v = {error: "", naturalWidth: 0, renderedWidth: 0, spills: []};
  try {
    await mermaid.parse(text);
    const {svg} = await mermaid.render("diagram" + i, text, column);
    column.innerHTML = svg;
  } catch (e) {
    v.error = message(e);
    column.innerHTML = "";
    return v;
  }
  const el = column.querySelector("svg");
  if (!el) {
    v.error = "mermaid returned no <svg>";
    return v;
  }
  const vb = el.viewBox && el.viewBox.baseVal;
  v.naturalWidth = vb && vb.width ? vb.width : el.getBBox().width;
  v.renderedWidth = el.getBoundingClientRect().width;
  for (const rect of el.querySelectorAll("rect.note")) {
    const lines = rect.parentNode.querySelectorAll("text.noteText");
    if (lines.length === 0) continue;
    let left = Infinity, right = -Infinity;
    for (const line of lines) {
      const b = line.getBBox();
      left = Math.min(left, b.x);
      right = Math.max(right, b.x + b.width);
    }
    const boxLeft = rect.x.baseVal.value, boxRight = boxLeft + rect.width.baseVal.value;
    if (left < boxLeft - {{slack}} || right > boxRight + {{slack}}) {
      v.spills.push({
        text: Array.from(lines, (l) => l.textContent).join(" / "),
        boxLeft, boxRight, textLeft: left, textRight: right,
      });
    }
  }
  column.innerHTML = "";
  return v;
}

function fontSample(family) {
  family = family.replace(/;\s*$/, "");
  const ctx = document.createElement("canvas").getContext("2d");
  const width = (f) => {
    ctx.font = "16px " + f;
    return ctx.measureText("the parent waits for its child, then reads 0123456789").width;
  };
  return {family, width: width(family), liberation: width('"Liberation Sans"')};
}

(async () => {
  const result = {fatal: "", font: {}, verdicts: []};
  const progress = document.getElementById("progress");
  try {
    if (typeof mermaid === "undefined") throw new Error("mermaid.min.js did not load");
    mermaid.initialize({startOnLoad: false});
    result.font = fontSample(mermaid.mermaidAPI.getConfig().fontFamily);
    const diagrams = JSON.parse(document.getElementById("diagrams").textContent);
    const column = document.getElementById("column");
    for (let i = 0; i < diagrams.length; i++) {
      progress.textContent = String(i);
      result.verdicts.push(await check(i, diagrams[i], column));
    }
  } catch (e) {
    result.fatal = message(e) + "\n" + ((e && e.stack) || "");
  }
  const out = document.createElement("pre");
  out.id = "verdict";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
</script>
</body></html>
`
