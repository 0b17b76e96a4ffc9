//go:build unix && cgo && cgochild

// A package that uses cgo makes the program link runtime/cgo; built with
// CGO_ENABLED=0 or without the cgochild tag (childproc.CgoChildTag), this
// file is left out, as every lesson's cgo files are.

package selftest

import "C"
