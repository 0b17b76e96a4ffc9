// Package proofs holds the zombies topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the
// tests that run these proofs are ../zombies_test.go and ../claims_test.go.
// Everything but this comment is built for Linux only.
package proofs
