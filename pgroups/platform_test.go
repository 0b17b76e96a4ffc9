package pgroups_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// probe is a package that uses, one declaration each, the parts of the
// API whose presence differs between operating systems. Compiled for an
// OS, it fails on exactly the ones that OS lacks.
const probe = `package probe

import (
	"os"
	"syscall"
)

var _ = syscall.SysProcAttr{Setpgid: true}
var _ = syscall.SysProcAttr{Setsid: true}
var _ = syscall.SysProcAttr{Pdeathsig: 0}
var _ = syscall.SysProcAttr{Credential: nil}
var _ = syscall.SysProcAttr{Cloneflags: 0}
var _ = syscall.SysProcAttr{AmbientCaps: nil}
var _ = syscall.SysProcAttr{HideWindow: true}
var _ = syscall.SysProcAttr{CreationFlags: 0}
var _ = syscall.Kill
var _ = (*os.Process).Signal
`

// TestSysProcAttrPerPlatform asks the compiler, for each OS, which fields
// syscall.SysProcAttr has and whether syscall.Kill and os.Process.Signal
// exist, and which of this package's sysProcAttr files it builds. It reads
// no source: what compiles is the evidence.
func TestSysProcAttrPerPlatform(t *testing.T) {
	t.Parallel()
	// The probe is compiled as a package of this module that exists only
	// in an overlay (go help build, -overlay): nothing is written into the
	// source tree, and one go command compiles it and this package.
	dir := t.TempDir()
	probeFile := filepath.Join(dir, "probe.go")
	require.NoError(t, os.WriteFile(probeFile, []byte(probe), 0o644))
	here, err := os.Getwd()
	require.NoError(t, err)
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(here, "platformprobe", "probe.go"): probeFile,
	}})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o644))

	oses := []string{"linux", "freebsd", "darwin", "windows"}
	found := map[string]platform{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, goos := range oses {
		wg.Go(func() {
			p, err := compileFor(goos, overlayFile)
			assert.NoError(t, err, goos)
			mu.Lock()
			found[goos] = p
			mu.Unlock()
		})
	}
	wg.Wait()
	lacks := func(goos string) []string { return found[goos].lacks }

	// C041: the struct differs per OS.
	assert.Equal(t, []string{"CreationFlags", "HideWindow"}, lacks("linux"))
	assert.Subset(t, lacks("darwin"), []string{"Cloneflags", "AmbientCaps"})
	assert.NotContains(t, lacks("windows"), "HideWindow")
	assert.NotContains(t, lacks("windows"), "CreationFlags")
	assert.Contains(t, lacks("windows"), "Setpgid")
	// C043: Pdeathsig is Linux's and FreeBSD's.
	assert.NotContains(t, lacks("freebsd"), "Pdeathsig")
	assert.Contains(t, lacks("darwin"), "Pdeathsig")
	// C090: syscall.Kill does not exist on Windows; os.Process.Signal does everywhere.
	for _, goos := range oses {
		assert.Equal(t, goos == "windows", slices.Contains(lacks(goos), "syscall.Kill"), goos)
		assert.NotContains(t, lacks(goos), "Signal", goos)
	}
	// C042: one sysProcAttr file per platform family, and the package builds for each.
	assert.Equal(t, []string{"proc_windows.go"}, found["windows"].files)
	for _, goos := range []string{"linux", "freebsd", "darwin"} {
		assert.Equal(t, []string{"proc_unix.go"}, found[goos].files, goos)
	}
	for _, goos := range oses {
		assert.True(t, found[goos].builds, "procbugs/pgroups builds for %s", goos)
	}
	if !t.Failed() {
		for _, goos := range oses {
			t.Logf("%s: the package builds with %s; the compiler lacks %v", goos, found[goos].files, lacks(goos))
		}
	}
}

// platform is what the compiler says of one OS.
type platform struct {
	lacks  []string // what the probe uses and the OS does not have
	files  []string // this package's sysProcAttr files for the OS
	builds bool     // this package compiles for the OS
}

var unknown = regexp.MustCompile(`unknown field (\w+) in struct literal|undefined: (syscall\.Kill)|(Signal) undefined`)

// compileFor compiles this package and the probe for goos (go list
// -export compiles what it lists) and reads what the compiler said.
func compileFor(goos, overlay string) (platform, error) {
	list := exec.Command("go", "list", "-e", "-export", "-json=Name,Export,GoFiles,Error", "-overlay", overlay,
		"-gcflags=procbugs/pgroups/platformprobe=-e", ".", "./platformprobe")
	list.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := list.Output()
	if err != nil {
		return platform{}, err
	}
	var p platform
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var pkg struct {
			Name, Export string
			GoFiles      []string
			Error        *struct{ Err string }
		}
		if err := dec.Decode(&pkg); err != nil {
			return p, err
		}
		switch pkg.Name {
		case "pgroups":
			p.builds = pkg.Export != "" && pkg.Error == nil
			for _, name := range pkg.GoFiles {
				if strings.HasPrefix(name, "proc_") {
					p.files = append(p.files, name)
				}
			}
		case "probe":
			if pkg.Error == nil {
				break
			}
			for _, m := range unknown.FindAllStringSubmatch(pkg.Error.Err, -1) {
				p.lacks = append(p.lacks, strings.Join(m[1:], ""))
			}
			slices.Sort(p.lacks)
		}
	}
	return p, nil
}
