//go:build unix && cgo && cgochild

// This file gives the package C code, as net has where a C compiler is
// found: a program that links a package with C code links runtime/cgo,
// and with it the runtime's extra thread for calls from C. The child
// built for a role that takes role.NeedsCgo therefore links runtime/cgo,
// as such a program does, and the table shows what changes then (the
// rows of runtime.Goexit in main). Built with CGO_ENABLED=0, as every
// other child is, or without the cgochild tag, as the test binaries are,
// this file is left out (childproc.CgoChildTag says why).

package termination

import "C"
