package envs

import (
	"bytes"
	"os"

	"procbugs/helpers/childproc"
)

// fakeArgv0 is the argv[0] the child gives the probe: a parent may put
// anything there.
const fakeArgv0 = "/usr/bin/totally-legit-name"

// exeDeleted runs the installed program at args[0] under a made-up
// argv[0], deletes the file while it runs, and then lets it report its
// argv[0] and what os.Executable says.
var exeDeleted = childproc.Register("envs/executable-deleted", func(args []string) int {
	var out bytes.Buffer
	cmd := childproc.Command(probe, "wait", "args0", "exe")
	cmd.Path, cmd.Args[0] = args[0], fakeArgv0
	cmd.Stdout = &out
	hold, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		childproc.Emitf("error: %v", err)
		return 1
	}
	if err := os.Remove(args[0]); err != nil {
		childproc.Emitf("error: %v", err)
	}
	hold.Close()     // the program runs on from a file that has no name now
	err = cmd.Wait() // before out is read: Wait ends the copy into it
	reportOutput("program", out.Bytes(), err)
	return 0
})
