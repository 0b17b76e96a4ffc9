//go:build !cgo && unix

package signals

import "errors"

// haveCgo says whether this build can load the C library: not without cgo.
const haveCgo = false

func cLibrary(int) (initLib func()) { return func() {} }

func cRead(int) (int, error) { return 0, errors.ErrUnsupported }
