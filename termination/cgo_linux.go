//go:build linux

package termination

import (
	"debug/elf"
	"os"
)

// linksCgo reports whether the running binary (and so every child of the
// harness, which re-executes it) links runtime/cgo, which starts its
// threads with the C library's pthread_create: the binary imports that
// symbol. (go test strips the symbol table, so runtime/cgo's own symbols
// cannot be looked up.) A test binary links cgo when a
// package it imports uses cgo, as net does (testify's assert imports
// net/http) while CGO_ENABLED=1 and a C compiler exists.
func linksCgo() (bool, error) {
	exe, err := os.Executable()
	if err != nil {
		return false, err
	}
	f, err := elf.Open(exe)
	if err != nil {
		return false, err
	}
	defer f.Close()
	syms, err := f.ImportedSymbols()
	if err != nil {
		// A static binary has no dynamic symbols at all.
		return false, nil
	}
	for _, s := range syms {
		if s.Name == "pthread_create" {
			return true, nil
		}
	}
	return false, nil
}
