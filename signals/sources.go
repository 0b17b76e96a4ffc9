//go:build unix

package signals

import "embed"

// Sources holds broken.go and fixed.go, for the catalog's show and diff.
//
//go:embed broken.go fixed.go
var Sources embed.FS
