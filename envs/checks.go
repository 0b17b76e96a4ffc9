package envs

import (
	"fmt"
	"os/exec"
	"strings"

	"procbugs/helpers/role"
)

// Roles that check what an entry's Cause and Fix say beyond its two
// halves; claims_test.go watches them.

// The arguments ArgLimits starts a program with: ManyArgs of ArgSize
// bytes, four times the longest single argument in all.
const (
	ManyArgs = 8
	ArgSize  = 64 << 10
)

// ArgLimits (entry arg-too-long) starts a program that exits at once:
// with ManyArgs arguments of ArgSize bytes, then with one environment
// entry of MaxArgLen bytes and one of a byte more.
var ArgLimits = lesson.Role("arg-limits", func([]string) int {
	args := make([]string, ManyArgs)
	for i := range args {
		args[i] = strings.Repeat("x", ArgSize)
	}
	reportStart(fmt.Sprintf("%d arguments of %d bytes", ManyArgs, ArgSize), role.Command(quitter, args...))
	for _, n := range []int{MaxArgLen(), MaxArgLen() + 1} {
		cmd := role.Command(quitter)
		cmd.Env = append(cmd.Env, "BIG="+strings.Repeat("x", n-len("BIG=")))
		reportStart(fmt.Sprintf("an environment entry of %d bytes", n), cmd)
	}
	return 0
})

// reportStart runs cmd and emits whether it ran, or the errno that kept
// it from running.
func reportStart(who string, cmd *exec.Cmd) {
	if err := cmd.Run(); err != nil {
		role.Emitf("%s: error%s", who, errnoName(err))
		return
	}
	role.Emitf("%s: ran", who)
}

// EndOfOptions (entry leading-dash) sends the --output attack of
// LeadingDash at git with --end-of-options before it, and nothing else:
// the repository is args[0], the file the attack names args[1].
var EndOfOptions = lesson.Role("end-of-options", func(args []string) int {
	out, err := exec.Command("git", "-C", args[0], "diff", "--end-of-options", OutputOption+args[1], "HEAD").Output()
	reportResult("git", out, err)
	return 0
})

// ShellParameters (entry not-a-shell) searches the logs of the directory
// args[0] through sh, with the script constant and the pattern passed as
// its first positional parameter: for LogPattern, then for the Payload.
var ShellParameters = lesson.Role("shell-parameters", func(args []string) int {
	for _, pattern := range []string{LogPattern, Payload} {
		cmd := exec.Command("sh", "-c", `grep -h -e "$1" -- *.log`, "sh", pattern)
		cmd.Dir = args[0]
		out, err := cmd.Output()
		reportResult("sh "+pattern, out, err)
	}
	return 0
})
