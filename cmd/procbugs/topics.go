package main

// The topics of the catalog. Each registers its entries with the catalog
// when imported; the commands read them from there.
import (
	_ "procbugs/envs"
	_ "procbugs/pgroups"
	_ "procbugs/pipes"
	_ "procbugs/signals"
	_ "procbugs/termination"
	_ "procbugs/zombies"
)
