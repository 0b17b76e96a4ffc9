package envs

import "procbugs/helpers/catalog"

// claims carries the source texts' claims about the environment, argv[0]
// and LookPath forward, with what this package's tests observe.
var claims = []catalog.Claim{}
