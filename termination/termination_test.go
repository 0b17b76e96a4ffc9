//go:build unix

package termination

import (
	"testing"

	"procbugs/helpers/childproc"
)

func TestMain(m *testing.M) { childproc.Main(m) }
