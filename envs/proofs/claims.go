package proofs

import "procbugs/helpers/catalog"

// claims carries the source texts' claims about the environment, argv[0]
// and LookPath, with what the topic's tests observe. (The ExtraFiles
// claims of 000 §6, C051-C053, are the pipes topic's.)
var claims = []catalog.Claim{
	{
		ID:      "C093",
		Source:  "001 Q1",
		Text:    "Getenv returns \"\" for an unset variable and for one set to \"\"; LookupEnv's ok is false only when the variable is unset",
		Verdict: catalog.True,
		Observed: "In a child started with BANNER= and in one without BANNER: Getenv(\"BANNER\") = \"\" in both; " +
			"LookupEnv = (\"\", true) and (\"\", false). The Getenv-based default overrode BANNER=; the LookupEnv-based one kept it.",
		Test: "envs.TestGetenvEmpty",
	},
	{
		ID:      "C094",
		Source:  "001 Q6",
		Text:    "os.Setenv affects children started afterwards, not ones already running",
		Verdict: catalog.True,
		Observed: "A shell started before os.Setenv(\"MODE\", \"debug\"), kept waiting until after it, reports MODE unset; the child it was meant for, " +
			"a shell started later, and the process itself report MODE=debug. With Cmd.Env instead, only the target has it.",
		Test: "envs.TestSetenvLeaks",
	},
	{
		ID:      "C095",
		Source:  "001 Q11, Q6",
		Text:    "cmd.Env = append(os.Environ(), \"X=hello\") sets X for that child only; []string{...} gives the child only the slice",
		Verdict: catalog.True,
		Observed: "Env = []string{\"GREETING=hello\"} (plus the role variable): the Go child has GREETING, no PATH (exec of sh fails: " +
			"executable file not found in $PATH) and no HOME (os.UserHomeDir: $HOME is not defined). " +
			"append(cmd.Environ(), ...): GREETING, the inherited PATH and HOME, sh runs. " +
			"Duplicates in Cmd.Env: the child sees the last (exec.go dedupEnv), Go and sh children alike.",
		Correction: "Also true, and worth knowing: os.StartProcess and syscall.Exec do not dedup, and a Go child then keeps the first " +
			"value where a shell keeps the last (envs.TestDuplicateKeys). And with cmd.Dir set, append(os.Environ(), ...) hands the " +
			"child the parent's PWD, stale; append(cmd.Environ(), ...), after setting Dir, gives it PWD=Dir (envs.TestStalePWD).",
		Test: "envs.TestEnvReplaces, envs.TestDuplicateKeys, envs.TestStalePWD",
	},
	{
		ID:      "C096",
		Source:  "001 Q15",
		Text:    "The runtime locks the environment so that Setenv and Getenv do not race with each other",
		Verdict: catalog.True,
		Observed: "In a child built with -race, 1,000 os.Setenv against 1,000 os.Getenv+os.Environ in two goroutines: exit 0, no report " +
			"(syscall/env_unix.go envLock). A Config written and read by two goroutines without a lock: exit 66, WARNING: DATA RACE " +
			"naming the writer and the reader. The lock guards each call, not a sequence of calls, nor what is built from the values.",
		Test: "envs.TestSetenvGetenvDoNotRace",
	},
	{
		ID:      "C097",
		Source:  "001 Q15",
		Text:    "There are race-condition reports for Setenv/Getenv \"in older Go versions (<1.18)\"",
		Verdict: catalog.Imprecise,
		Observed: "Go 1.26 and Go 1.27, in a child built with -race: no report for concurrent Setenv/Getenv. The lock is syscall/env_unix.go envLock, " +
			"already in the pre-Go-1.4 tree (src/pkg/syscall/env_unix.go); older toolchains are not run here.",
		Correction: "Not version-specific: Go-side Setenv and Getenv have been locked since before Go 1.4. " +
			"What races is the configuration code builds from them and shares without a lock, and C code reading environ (C098).",
		Test: "envs.TestSetenvGetenvDoNotRace",
	},
	{
		ID:      "C098",
		Source:  "001 Q15",
		Text:    "In cgo programs, Setenv can race with C code that reads the environment through libc",
		Verdict: catalog.True,
		Observed: "In a child built with cgo, os.Setenv(\"SET_BY_GO\") is visible to C getenv: the runtime mirrors every Setenv into C's environ " +
			"(runtime/env_posix.go setenv_c), which C reads without Go's envLock; a C setenv is invisible to os.LookupEnv. " +
			"The crash itself depends on timing and is not run. Skipped where no C compiler can build the child.",
		Test: "envs.TestSetenvReachesLibc",
	},
	{
		ID:      "C099",
		Source:  "001 Q12",
		Text:    "os.Args[0] is whatever the parent passed as argv[0], and can be faked",
		Verdict: catalog.True,
		Observed: "A program started with cmd.Args[0] = \"/usr/bin/totally-legit-name\" reports exactly that; one installed as " +
			"app/bin/tool and run with argv[0] \"tool\" (as a shell does for a PATH lookup) looks for its motd.txt in the working directory and fails.",
		Test: "envs.TestExecutableAfterDelete, envs.TestResourcePath",
	},
	{
		ID:      "C100",
		Source:  "001 Q12",
		Text:    "os.Executable asks the OS (Linux /proc/self/exe, macOS _NSGetExecutablePath, Windows GetModuleFileName) and is trustworthy",
		Verdict: catalog.Imprecise,
		Observed: "Linux: the program finds its motd.txt beside os.Executable() whatever argv[0] says; but after its file is deleted " +
			"while it runs, os.Executable() returns the old path (\" (deleted)\" stripped, os/executable_procfs.go), which no longer exists.",
		Correction: "macOS: Go does not call _NSGetExecutablePath; it uses the executable_path= string the kernel passes " +
			"(runtime/os_darwin.go, os/executable_darwin.go). And the answer can be stale: a path that is gone, or that a new install has since filled with another file.",
		Test: "envs.TestResourcePath, envs.TestExecutableAfterDelete",
	},
	{
		ID:      "C101",
		Source:  "001 Q23",
		Text:    "Since Go 1.19 LookPath returns exec.ErrDot when the match comes from a relative PATH entry (\"\" or \".\")",
		Verdict: catalog.True,
		Observed: "PATH with \".\" first, an empty entry first, an empty entry last: errors.Is(err, exec.ErrDot) for a program in the " +
			"working directory; exec.Command(name) fails before the program runs (its mark file is absent); " +
			"GODEBUG=execerrdot=0 brings back the old lookup, and the same code runs it.",
		Test: "envs.TestLookPathRelativeEntries, envs.TestErrDot",
	},
	{
		ID:      "C102",
		Source:  "001 Q23",
		Text:    "Only \"\" and \".\" entries trigger ErrDot; \"the actual path is in (*exec.Error).Name\"",
		Verdict: catalog.Imprecise,
		Observed: "PATH relbin:... and ./relbin:...: ErrDot too, path \"relbin/procbugs-tool\" but Error.Name \"procbugs-tool\"; " +
			"an absolute entry: no error.",
		Correction: "Any relative PATH entry triggers ErrDot (os/exec/lp_unix.go). The resolved path is LookPath's first result " +
			"(cmd.Path); Error.Name is the name that was looked up. The two agree only for \".\" and \"\".",
		Test: "envs.TestLookPathRelativeEntries",
	},
	{
		ID:      "C103",
		Source:  "001 Q23",
		Text:    "Opt in with an explicit ./ path, exec.Command(\"./mybin\"), which is not looked up in PATH",
		Verdict: catalog.True,
		Observed: "exec.Command(\"./tool\") runs the tool in the working directory (\"local tool ran\"); so do clearing cmd.Err " +
			"(envs.TestClearErrDot) and GODEBUG=execerrdot=0, which also runs a planted tool found through PATH.",
		Test: "envs.TestErrDot, envs.TestClearErrDot",
	},
}
