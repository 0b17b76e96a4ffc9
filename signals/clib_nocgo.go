//go:build unix && (!cgo || !cgochild)

package signals

import "errors"

// haveCgo says whether this build can load the C library: not without cgo,
// nor in a test binary, which is built without the cgochild tag.
const haveCgo = false

func cLibrary(int) (initLib func()) { return func() {} }

func cRead(int) (int, error) { return 0, errors.ErrUnsupported }
