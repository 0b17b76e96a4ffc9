// Package proofs holds the pipes topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the
// tests that run these proofs are ../pipes_test.go.
//
// The proofs need a Unix system; on others the package is empty, and
// the catalog lists the topics that build there.
package proofs
