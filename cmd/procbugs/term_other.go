//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import (
	"errors"
	"os"
)

// isTerminal falls back to the file mode where termios is not available.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// cbreak is not available here: keys are read a line at a time.
func cbreak(*os.File) (func(), error) { return nil, errors.ErrUnsupported }
