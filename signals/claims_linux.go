package signals

import "procbugs/helpers/catalog"

var claims = []catalog.Claim{}
