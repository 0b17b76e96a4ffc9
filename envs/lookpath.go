package envs

import (
	"errors"
	"os/exec"
	"strings"

	"procbugs/helpers/childproc"
)

// lookupTool is the name the LookPath roles look for: one no system has.
const lookupTool = "procbugs-tool"

// lookPath reports what exec.LookPath makes of lookupTool with the PATH
// the child was given: the path, whether the error is ErrDot, and the name
// the *exec.Error carries.
var lookPath = childproc.Register("envs/lookpath", func([]string) int {
	path, err := exec.LookPath(lookupTool)
	var execErr *exec.Error
	name := ""
	if errors.As(err, &execErr) {
		name = execErr.Name
	}
	childproc.Emitf("path=%q ErrDot=%v Error.Name=%q", path, errors.Is(err, exec.ErrDot), name)
	return 0
})

// clearErrDot runs lookupTool the way exec's documentation shows for a
// program that is trusted after all: clear cmd.Err and run it.
var clearErrDot = childproc.Register("envs/lookpath/clear-err", func([]string) int {
	cmd := exec.Command(lookupTool)
	childproc.Emitf("cmd.Err: %v", cmd.Err)
	if errors.Is(cmd.Err, exec.ErrDot) {
		cmd.Err = nil
	}
	out, err := cmd.Output()
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	childproc.Emitf("ran %s: %s", cmd.Path, strings.TrimSpace(string(out)))
	return 0
})
