// Package proofs holds the signals topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the
// tests that run these proofs are ../signals_test.go and
// ../claims_test.go, which also use the evidence helpers exported here.
//
// The proofs need a Unix system; on others the package is empty, and
// the catalog lists the topics that build there.
package proofs
