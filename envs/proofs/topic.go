// Package proofs holds the envs topic's records and the proofs that watch
// its children. The lesson's code is in the parent folder; the tests that
// run these proofs are ../envs_test.go and ../claims_test.go.
package proofs

import (
	"procbugs/envs"
	"procbugs/helpers/catalog"
)

func init() {
	catalog.Register(catalog.Topic{
		Name:  "envs",
		Title: "Environment, arguments and executable lookup",
		Summary: "A child's environment is a copy taken at exec. What goes into it, which of two values it keeps, " +
			"what it leaks, and which program a name finds decide what the child does.",
		Files: envs.Sources,
	}, []catalog.Entry{
		GetenvEmpty,
		SetenvLeaks,
		EnvReplaces,
		DuplicateKeys,
		StalePWD,
		Secrets,
		ResourcePath,
		ErrDot,
		EnvPathIgnored,
		ScriptNotFound,
		NotAShell,
		LeadingDash,
		ArgTooLong,
		ParallelSetenv,
		InheritedFD,
	}, claims)
}
