// Package pipes proves the bugs of reading a child's output, feeding its
// input and sharing descriptors with it: who reads, who waits and who holds
// the write end decides whether a program finishes.
//
// The code is in broken.go and fixed.go; each entry's file holds its roles,
// its record and its proofs. The topic needs a Unix system.
package pipes
