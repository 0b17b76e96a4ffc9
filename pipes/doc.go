// Package pipes is the lesson of reading a child's output, feeding its
// input and sharing descriptors with it: who reads, who waits and who
// holds the write end decides whether a program finishes.
//
// broken.go and fixed.go hold the code; diff them for the lesson.
// scenarios.go runs each entry's code in a child process, and roles.go
// holds the small programs that code starts. The records and the proofs
// that watch the children are in proofs/; the tests are pipes_test.go.
// The topic needs a Unix system.
package pipes
