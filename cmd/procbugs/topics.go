package main

// The topics of the catalog. Each registers its entries with the catalog
// when imported; the commands read them from there.
import (
	_ "procbugs/pipes"
)
