package main

import (
	"testing"

	"procbugs/helpers/childproc"
)

// The tests build the procbugs binary and run it as a user would; the
// test binary only needs the harness's TestMain for the orphan sweep.
func TestMain(m *testing.M) { childproc.Main(m) }
