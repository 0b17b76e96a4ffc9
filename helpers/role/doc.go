// Package role is the child's side of the harness: the code that runs
// inside the process under study.
//
// A role is a named function that runs as the whole of a child process.
// Lesson packages (pipes, signals, ...) register their roles here, and the
// child program, which links the lesson packages and this one and nothing
// else, runs the one its parent names. The parent's side, which starts the
// child and watches it, is helpers/childproc; it is never linked into the
// child, so the process under study is what a reader's own program would be.
//
// Inside a child, Ready and Emit send events to the parent over the
// control pipe, and Command starts another role as a grandchild.
package role
