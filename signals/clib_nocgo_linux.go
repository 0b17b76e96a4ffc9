//go:build !cgo

package signals

// haveCgo says whether this build can load the C library: not without cgo.
const haveCgo = false

func cLibrary(int) (initLib func()) { return func() {} }
