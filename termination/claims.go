//go:build unix

package termination

import "procbugs/helpers/catalog"

var claims = []catalog.Claim{}
