//go:build !cgo || !unix || !cgochild

package envs

// haveLibc tells whether this program has the lesson's C code, and so a C
// environment (environ) it can reach beside Go's own copy: not without cgo,
// nor in a test binary, which is built without the cgochild tag.
const haveLibc = false

func libcGetenv(string) (string, bool) { return "", false }
func libcSetenv(string, string)        {}
