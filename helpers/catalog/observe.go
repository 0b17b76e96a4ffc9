package catalog

import (
	"time"

	"procbugs/helpers/childproc"
)

// An Observation is what a proof saw when it ran outside `go test`.
type Observation struct {
	ID       string
	Half     string // "broken" or "fixed"
	Says     string
	Logs     []string // the proof's Logf lines: what it observed
	Failures []string // what contradicted the record
	Skipped  string   // why it could not run here
	Elapsed  time.Duration
}

// OK reports whether the observation agrees with the record.
func (o Observation) OK() bool { return len(o.Failures) == 0 }

// Observe runs one half of an entry live, in child processes, and records
// what its proof saw. With exercise set, the broken half is held to the
// fixed proof, as in exercise mode.
func Observe(e Entry, broken, exercise bool) Observation {
	return ObserveWatching(e, broken, exercise, nil)
}

// ObserveWatching is Observe with a witness, called at each moment the
// proof takes its evidence (childproc.Witness).
func ObserveWatching(e Entry, broken, exercise bool, watch func(moment string, p *childproc.Proc)) Observation {
	h, name := e.Fixed, "fixed"
	prove := e.Fixed.Prove
	if broken {
		h, name = e.Broken, "broken"
		if !exercise {
			prove = e.Broken.Prove
		}
	}
	start := time.Now()
	rec := childproc.RecordWatching(e.ID+"/"+name, watch, func(t childproc.T) { prove(t, e.Role(broken)) })
	return Observation{ID: e.ID, Half: name, Says: h.Says, Logs: rec.Logs(), Failures: rec.Errors(),
		Skipped: rec.Skipped(), Elapsed: time.Since(start)}
}
