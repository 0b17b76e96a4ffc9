package catalog

import (
	"fmt"
	"go/version"
	"runtime"
)

// A Change is a behaviour that differs between Go releases. The proving
// test asserts the running release's side of it.
type Change struct {
	Since  string // the first release that behaves the new way: "go1.27"
	Before string // what earlier releases do
	After  string // what Since and later releases do
	Source string // where the change is in Go's source: "runtime/signal_unix.go, dieFromSignal"
	Test   string // the package-qualified test that asserts it: "signals.TestPID1"
}

// Now is the side of the change that the running release is on.
func (c Change) Now() string {
	if Since(c.Since) {
		return c.After
	}
	return c.Before
}

// OldestSupported is the oldest Go release the catalog is verified on. A
// change since a later release is a difference between supported releases.
const OldestSupported = "go1.26"

// Since reports whether the running Go release is release or later. The
// children run on the same release: the harness builds them with the go
// command that built the tests.
func Since(release string) bool {
	v := runtime.Version()
	if !version.IsValid(v) {
		return true // a development toolchain: the newest behaviour
	}
	return version.Compare(version.Lang(v), version.Lang(release)) >= 0
}

// Release is the running Go release, for a proof's log line.
func Release() string { return runtime.Version() }

// Platform is the release, the kernel and the architecture an observation
// was made on: "go1.27.3, Linux 6.18.44, amd64".
func Platform() string {
	return fmt.Sprintf("%s, %s %s, %s", runtime.Version(), osName(), kernel(), runtime.GOARCH)
}
