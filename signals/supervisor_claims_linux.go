package signals

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"procbugs/helpers/childproc"
)

// section13 runs 000 §13's supervisor, idle, over a listener for HUP, CHLD
// and TERM. With "forward-sigchld" it runs the same code without the line
// that skips SIGCHLD, to test the reason §13 gives for that line.
var section13 = childproc.Register("signals/section13", func(args []string) int {
	cmd := childproc.Command(listener, "HUP", "CHLD", "TERM")
	flush, err := relay(cmd)
	if err != nil {
		return fail(err)
	}
	run := Broken{}.Supervise
	if len(args) > 0 && args[0] == "forward-sigchld" {
		run = superviseForwardingSIGCHLD
	}
	code, err := run(cmd)
	flush()
	if err != nil {
		return fail(err)
	}
	childproc.Emitf("child exited %d", code)
	return 0
})

// superviseForwardingSIGCHLD is Broken.Supervise without its
// `if s == syscall.SIGCHLD { continue }`.
func superviseForwardingSIGCHLD(cmd *exec.Cmd) (int, error) {
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}
