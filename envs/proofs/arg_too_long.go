package proofs

import (
	"fmt"
	"strconv"

	"github.com/stretchr/testify/require"

	"procbugs/envs"
	"procbugs/helpers/catalog"
	"procbugs/helpers/childproc"
	"procbugs/helpers/role"
)

// ArgTooLong is a large payload passed as one argument.
var ArgTooLong = catalog.Entry{
	ID:    "envs/arg-too-long",
	Title: "\"argument list too long\" from one argument of 128 KiB, whatever the total",
	Symptom: "exec.Command(\"claude\", \"-p\", prompt) works for months, then fails with `fork/exec ...: argument list " +
		"too long` on a prompt of 128 KiB, though ARG_MAX (getconf) says 2 MiB.",
	Cause: "execve refuses any single argument or environment string longer than MAX_ARG_STRLEN, 32 pages " +
		"(131,072 bytes with its NUL on 4 KiB pages), with E2BIG, before the program runs. The total, argv and " +
		"environment together, may reach a quarter of the stack limit (ARG_MAX): TestArgLimitIsPerString.",
	Fix: "Pass large payloads on stdin (or in a file, or an @file the program reads); keep argv for small, fixed values. " +
		"The same holds for a large environment variable.",
	Refs: []string{"go-debos/debos#739", "argoproj/argo-workflows#12190", "kubernetes-sigs/kustomize#5480",
		"golang/go#37768", "kunchenguid/no-mistakes#485", "golang/go#77177"},
	Func: "AskModel",
	Test: "TestArgTooLong",
	Tree: true,
	Quiz: catalog.Quiz{
		Scenario: "the child asks a client about prompts of up to 1 MiB, the largest 128 KiB or more",
		Wrong:    "every prompt runs: argv stays within ARG_MAX, 2 MiB",
	},
	Roles: envs.ArgTooLong,
	Broken: catalog.Half{
		Says:  "a prompt one byte over MAX_ARG_STRLEN fails with E2BIG and the client never runs",
		Prove: proveOneArgTooLong,
	},
	Fixed: catalog.Half{
		Says:  "the client reads both prompts, whole, from stdin",
		Prove: proveStdinTakesAll,
	},
	Diagram: `sequenceDiagram
    participant C as child
    participant K as kernel
    participant L as client
    C->>K: execve(client, "-p", 131072 bytes) (broken)
    K-->>C: E2BIG: one string over MAX_ARG_STRLEN
    C->>L: client -p -, prompt on stdin (fixed)
    L-->>C: read 131072 bytes from stdin`,
}

// promptSizes are the prompts the proofs send: the longest argument the
// kernel takes, and one byte more.
func promptSizes() []int { return []int{envs.MaxArgLen(), envs.MaxArgLen() + 1} }

// runPrompts has the role ask the client with each prompt size.
func runPrompts(t childproc.T, r role.Role) []string {
	t.Helper()
	var args []string
	for _, n := range promptSizes() {
		args = append(args, strconv.Itoa(n))
	}
	res := childproc.Finish(t, r, childproc.Args(args...))
	require.Equal(t, 0, res.ExitCode, "%s\n%q", res.Stderr, res.Events)
	return res.Events
}

func proveOneArgTooLong(t childproc.T, r role.Role) {
	seen := runPrompts(t, r)
	sizes := promptSizes()
	require.Equal(t, []string{
		fmt.Sprintf("prompt of %d bytes: read %d bytes from argv", sizes[0], sizes[0]),
		fmt.Sprintf("prompt of %d bytes: error E2BIG: fork/exec client: argument list too long", sizes[1]),
	}, seen)
	t.Logf("%d bytes in one argument reached the client; %d failed: %q", sizes[0], sizes[1], seen[1])
}

func proveStdinTakesAll(t childproc.T, r role.Role) {
	seen := runPrompts(t, r)
	var want []string
	for _, n := range promptSizes() {
		want = append(want, fmt.Sprintf("prompt of %d bytes: read %d bytes from stdin", n, n))
	}
	require.Equal(t, want, seen)
	t.Logf("through stdin the client read each prompt whole: %q", seen)
}
