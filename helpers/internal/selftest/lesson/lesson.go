// Package lesson is a lesson of one entry for the catalog's own tests:
// its broken half hangs, its fixed half finishes.
package lesson

import "procbugs/helpers/role"

// The lesson of one entry: Broken.Finish hangs, Fixed.Finish returns.

type code interface{ Finish() }

// Broken never returns.
type Broken struct{}

// Finish blocks for ever.
func (Broken) Finish() { role.BlockForever() }

// Fixed returns at once.
type Fixed struct{}

// Finish returns.
func (Fixed) Finish() {}

var lesson = role.Lesson[code]{Broken: Broken{}, Fixed: Fixed{}}

// Finish is the entry's pair: ready, then Finish, then "finished".
var Finish = lesson.Pair("finish", func(c code, _ []string) int {
	role.Ready()
	c.Finish()
	role.Emit("finished")
	return 0
})
