package procbugs_test

// The topics of the catalog: importing their proofs registers their records.
import (
	_ "procbugs/envs/proofs"
	_ "procbugs/pgroups/proofs"
	_ "procbugs/pipes/proofs"
	_ "procbugs/signals/proofs"
	_ "procbugs/termination/proofs"
	_ "procbugs/zombies/proofs"
)
