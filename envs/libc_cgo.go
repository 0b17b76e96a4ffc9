//go:build cgo && unix && cgochild

package envs

/*
#include <stdlib.h>
*/
import "C"

import "unsafe"

// haveLibc tells whether this program has the lesson's C code, and so a C
// environment (environ) it can reach beside Go's own copy. Only the child
// built for a role.NeedsCgo role has; the lean child and the test binaries
// leave this file out (childproc.CgoChildTag says why).
const haveLibc = true

// libcGetenv reads a variable as C code does, from environ.
func libcGetenv(key string) (string, bool) {
	k := C.CString(key)
	defer C.free(unsafe.Pointer(k))
	v := C.getenv(k)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}

// libcSetenv sets a variable as C code does, in environ only.
func libcSetenv(key, value string) {
	k, v := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(k))
	defer C.free(unsafe.Pointer(v))
	C.setenv(k, v, 1)
}
