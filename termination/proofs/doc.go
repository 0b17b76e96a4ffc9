// Package proofs holds the termination topic's records, the proofs that
// watch its children, and the expected rows of its table. The lesson's
// code is in the parent folder; the tests that run these proofs are
// ../termination_test.go, ../table_test.go and ../claims_test.go.
//
// The proofs need a Unix system; on others the package is empty, and
// the catalog lists the topics that build there.
package proofs
