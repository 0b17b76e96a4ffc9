package envs

import (
	"os"

	"procbugs/helpers/childproc"
)

// libcEnv shows the two environments of a cgo program. os.Setenv writes
// Go's copy and, through the runtime's _cgo_setenv hook, C's environ too
// ($GOROOT/src/runtime/env_posix.go, setenv_c), where C code reads it
// without Go's lock. C's setenv writes environ alone, and Go never sees it.
var libcEnv = childproc.Register("envs/libc-env", func([]string) int {
	os.Setenv("SET_BY_GO", "go")
	v, ok := libcGetenv("SET_BY_GO")
	childproc.Emitf("C getenv(SET_BY_GO) = (%q, %v)", v, ok)
	libcSetenv("SET_BY_C", "c")
	w, ok := os.LookupEnv("SET_BY_C")
	childproc.Emitf("os.LookupEnv(SET_BY_C) = (%q, %v)", w, ok)
	return 0
})
