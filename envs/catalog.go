package envs

import (
	"embed"

	"procbugs/helpers/catalog"
)

//go:embed broken.go fixed.go
var sources embed.FS

func init() {
	catalog.Register(catalog.Topic{
		Name:    "envs",
		Title:   "Environment, arguments and executable lookup",
		Summary: "A child's environment is a copy taken at exec. What goes into it, which of two values it keeps, what it leaks, and which program a name finds decide what the child does.",
		Files:   sources,
	}, []catalog.Entry{
		GetenvEmpty,
		SetenvLeaks,
		EnvReplaces,
		DuplicateKeys,
		Secrets,
		ResourcePath,
		ErrDot,
		ParallelSetenv,
		InheritedFD,
	}, claims)
}
