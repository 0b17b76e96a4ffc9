package catalog

import (
	"os"
	"testing"
)

// ExerciseEnv switches the topics' tests into exercise mode.
const ExerciseEnv = "PROCBUGS_EXERCISE"

// Exercising reports whether the tests hold the broken code to the fixed
// behaviour, so that they fail until a student mends broken.go.
func Exercising() bool { return os.Getenv(ExerciseEnv) == "1" }

// Prove runs both halves of an entry as subtests named by their sentences.
// In exercise mode the broken half must pass the fixed half's proof.
//
// A topic supports exercise mode by doing nothing more than this: its
// entries' tests call Prove.
func Prove(t *testing.T, e Entry) {
	t.Helper()
	t.Run("broken: "+e.Broken.Says, func(t *testing.T) {
		if Exercising() {
			t.Logf("exercise mode: %s must now show that %s", e.Broken.Role, e.Fixed.Says)
			e.Fixed.Prove(t, e.Broken.Role)
			return
		}
		e.Broken.Prove(t, e.Broken.Role)
	})
	t.Run("fixed: "+e.Fixed.Says, func(t *testing.T) {
		e.Fixed.Prove(t, e.Fixed.Role)
	})
}
