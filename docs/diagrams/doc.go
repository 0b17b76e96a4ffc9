// Package diagrams holds the test that draws every ```mermaid block of the
// repository's Markdown with the real mermaid library in headless Chromium,
// as a reader's browser would, and fails on a diagram that does not parse or
// render, on one whose text a 1,000-px column would shrink below 60 %, and on
// a sequence-diagram note whose text spills out of its box.
//
// package.json and package-lock.json here pin the mermaid release. The test
// needs Debian's chromium, the Liberation fonts and the pinned packages:
//
//	apt-get install chromium fonts-liberation
//	npm ci --prefix docs/diagrams
//	go test ./docs/diagrams
//
// Without any of them it skips and says which is missing. CHROMIUM names
// another Chromium or Chrome binary.
//
// Widths follow the fonts the browser finds for mermaid's font families, so
// the test offers Chromium the Liberation fonts alone, through a fontconfig
// file of its own: Liberation Sans has Arial's metrics, near the fonts most
// readers have, and every machine then measures what CI measures. That needs
// fontconfig, so the test runs on Linux only.
//
// What it measures: the scale of a diagram is the width its SVG is laid out
// at in the column (mermaid gives it width 100 % and a max-width of its
// natural width) over its natural width, the viewBox width. A note spills
// when the boxes of its text lines reach more than a pixel past either side
// of its rectangle.
package diagrams
