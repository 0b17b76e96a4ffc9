//go:build !cgo || !unix || !cgochild

package envs

// haveLibc tells whether this program is linked with cgo, and so has a C
// environment (environ) beside Go's own copy.
const haveLibc = false

func libcGetenv(string) (string, bool) { return "", false }
func libcSetenv(string, string)        {}
