// Package selftest holds the roles that the harness's and the catalog's
// own tests run. They start processes the Unix way; elsewhere the package
// is empty.
package selftest
