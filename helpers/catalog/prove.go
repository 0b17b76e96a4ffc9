package catalog

import (
	"os"
	"strings"
	"sync"
	"testing"

	"procbugs/helpers/childproc"
)

// ExerciseEnv switches the topics' tests into exercise mode.
const ExerciseEnv = "PROCBUGS_EXERCISE"

// ControlsEnv switches on the negative controls.
const ControlsEnv = "PROCBUGS_CONTROLS"

// Exercising reports whether the tests hold the broken code to the fixed
// behaviour, so that they fail until a student mends broken.go.
func Exercising() bool { return os.Getenv(ExerciseEnv) == "1" }

// Controlling reports whether Prove also runs each entry's negative
// controls (`make controls`).
func Controlling() bool { return os.Getenv(ControlsEnv) == "1" }

// Prove runs both halves of an entry as subtests named by their
// sentences. In exercise mode the broken half must pass the fixed half's
// proof. With the negative controls on, it also runs each proof against
// the other half's code, where it must fail. Unless the entry is Serial,
// its test runs in parallel with the package's other entries.
//
// A topic supports exercise mode and the controls by doing nothing more
// than this: its entries' tests call Prove.
func Prove(t *testing.T, e Entry) {
	t.Helper()
	if !e.Serial {
		t.Parallel()
	}
	t.Run("broken: "+e.Broken.Says, func(t *testing.T) {
		if Exercising() {
			t.Logf("exercise mode: %s must now show that %s", e.Roles.Broken, e.Fixed.Says)
			e.Fixed.Prove(t, e.Roles.Broken)
			return
		}
		e.Broken.Prove(t, e.Roles.Broken)
	})
	t.Run("fixed: "+e.Fixed.Says, func(t *testing.T) {
		e.Fixed.Prove(t, e.Roles.Fixed)
	})
	if Controlling() && !Exercising() {
		t.Run("controls: each proof fails against the other half's code", func(t *testing.T) {
			for _, c := range Controls(e) {
				switch {
				case c.Skipped != "":
					t.Logf("%s: cannot run here: %s", c.Name(), c.Skipped)
				case c.Passed():
					t.Errorf("negative control: %s passed: the proof does not tell the two halves apart; it logged:\n%s",
						c.Name(), strings.Join(c.Logs, "\n"))
				default:
					t.Logf("%s failed, as it must: %s", c.Name(), firstLine(c.Errors[0]))
				}
			}
		})
	}
}

// A Control is one negative control: an entry's proof run against the
// other half's code. A proof that passes there proves nothing.
type Control struct {
	Entry  string
	Proof  string // "broken" or "fixed": whose proof ran
	Errors []string
	Logs   []string
	// Skipped says why the proof could not run here (it needs root, say):
	// the control is then undecided, never passed.
	Skipped string
}

// Name says which proof ran against which code.
func (c Control) Name() string {
	other := map[string]string{"broken": "fixed", "fixed": "broken"}[c.Proof]
	return c.Entry + ": the " + c.Proof + " proof against the " + other + " code"
}

// Passed reports whether the proof passed against the other half: the
// control has caught a proof that does not discriminate.
func (c Control) Passed() bool { return c.Skipped == "" && len(c.Errors) == 0 }

// Controls runs the entry's two negative controls at once, the broken
// proof against the fixed role and the fixed proof against the broken
// role, each recorded rather than reported.
func Controls(e Entry) [2]Control {
	var out [2]Control
	var wg sync.WaitGroup
	for i, broken := range []bool{true, false} {
		wg.Go(func() {
			proof := map[bool]string{true: "broken", false: "fixed"}[broken]
			rec := childproc.Record(e.ID+"/control/"+proof, func(t childproc.T) {
				e.Half(broken).Prove(t, e.Role(!broken))
			})
			out[i] = Control{Entry: e.ID, Proof: proof, Errors: rec.Errors(), Logs: rec.Logs(), Skipped: rec.Skipped()}
		})
	}
	wg.Wait()
	return out
}

func firstLine(s string) string { line, _, _ := strings.Cut(strings.TrimSpace(s), "\n"); return line }
