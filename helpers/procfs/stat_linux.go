package procfs

import (
	"strconv"
	"strings"
	"syscall"
)

func dir(pid int) string {
	if pid == Self {
		return "/proc/self"
	}
	return "/proc/" + strconv.Itoa(pid)
}

// A Stat is the part of /proc/pid/stat the catalog reads.
type Stat struct {
	State     byte   // 'R' running, 'S' sleeping, 'D' uninterruptible, 'T' stopped, 'Z' zombie
	Parent    int    // field 4, ppid
	Group     int    // field 5, pgrp
	Session   int    // field 6
	TTY       int    // field 7, tty_nr: the controlling terminal, 0 for none
	Flags     uint64 // field 9, the kernel's PF_* flags
	StartTime uint64 // field 22, in clock ticks after boot: with the pid, one process for the life of the machine
	ExitCode  int    // field 52, the wait status a zombie holds for its parent
}

// ReadStat reads /proc/pid/stat, or /proc/pid/task/tid/stat for a thread.
func ReadStat(pid int) (Stat, error) { return readStat(dir(pid) + "/stat") }

func readStat(path string) (Stat, error) {
	b, err := readFile(path)
	if err != nil {
		return Stat{}, err
	}
	s := string(b)
	// The command name is in parentheses and may itself hold spaces or ')'.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // f[0] is field 3
	num := func(field int) int {
		if field-3 >= len(f) {
			return -1
		}
		n, err := strconv.Atoi(f[field-3])
		if err != nil {
			return -1
		}
		return n
	}
	st := Stat{Parent: num(4), Group: num(5), Session: num(6), TTY: num(7), ExitCode: num(52)}
	if len(f) > 0 {
		st.State = f[0][0]
	}
	if len(f) > 22-3 {
		st.Flags, _ = strconv.ParseUint(f[9-3], 10, 64)
		st.StartTime, _ = strconv.ParseUint(f[22-3], 10, 64)
	}
	return st, nil
}

func stat(pid int) Stat {
	st, err := ReadStat(pid)
	if err != nil {
		return Stat{Parent: -1, Group: -1, Session: -1, TTY: -1, ExitCode: -1}
	}
	return st
}

// State is the process's state letter: 'R', 'S', 'D', 'T', 'Z'; 0 once it
// has been reaped.
func State(pid int) byte { return stat(pid).State }

// Alive reports whether pid exists and is not a zombie.
func Alive(pid int) bool { s := State(pid); return s != 0 && s != 'Z' }

// Parent is pid's parent, or -1.
func Parent(pid int) int { return stat(pid).Parent }

// Group is pid's process group id, or -1.
func Group(pid int) int { return stat(pid).Group }

// Session is pid's session id, or -1.
func Session(pid int) int { return stat(pid).Session }

// Execed reports whether pid has called execve since it was forked: the
// kernel clears PF_FORKNOEXEC (0x40) then.
func Execed(pid int) bool {
	st, err := ReadStat(pid)
	return err == nil && st.Flags&0x40 == 0
}

// ExitSignal is the signal that ended a zombie, read from the wait status
// it holds for its parent, or 0 if pid is not a zombie killed by a signal.
func ExitSignal(pid int) syscall.Signal {
	st, err := ReadStat(pid)
	if err != nil || st.State != 'Z' || st.ExitCode <= 0 {
		return 0
	}
	if ws := syscall.WaitStatus(st.ExitCode); ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// Comm is the process's command name, or "?".
func Comm(pid int) string {
	b, err := readFile(dir(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// Threads lists the thread ids of pid.
func Threads(pid int) []int { return numbers(dir(pid) + "/task") }

// Idle reports whether every thread of pid is off its CPU, asleep in the
// kernel: none running or waiting for a CPU. In a Go program that means
// every goroutine is parked, since the runtime keeps a thread running
// while any goroutine can run. It is how a proof knows that a goroutine it
// cannot see has reached the call where it blocks.
//
// The state letter alone is not enough: the kernel marks a thread asleep
// (S) a little before it stops running. do_wait, for one, marks the caller
// asleep, then looks for an exited child and reaps it while still marked
// S. A thread's wait channel reads "0" until it is off its CPU (get_wchan
// in kernel/sched/core.c), so a thread that is reaping, or has just been
// woken, never counts as asleep here.
func Idle(pid int) bool {
	tids := Threads(pid)
	for _, tid := range tids {
		task := dir(pid) + "/task/" + strconv.Itoa(tid)
		st, err := readStat(task + "/stat")
		if err != nil || st.State == 'R' {
			return false
		}
		w, err := readFile(task + "/wchan")
		if err != nil || len(w) == 0 || string(w) == "0" {
			return false
		}
	}
	return len(tids) > 0
}
