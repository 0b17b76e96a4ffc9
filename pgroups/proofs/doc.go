// Package proofs holds the pgroups topic's records and the proofs that
// watch its children. The lesson's code is in the parent folder; the tests
// that run these proofs are ../pgroups_test.go and ../claims_test.go.
//
// The topic is Linux's: parent-death signals, controlling terminals and
// credentials as SysProcAttr has them there. On other systems the package
// is empty, and the catalog lists the other topics.
package proofs
