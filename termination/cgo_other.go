//go:build unix && !linux

package termination

import "errors"

// linksCgo reads the ELF symbol table, which exists on Linux only here.
func linksCgo() (bool, error) { return false, errors.ErrUnsupported }
