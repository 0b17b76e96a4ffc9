package pgroups

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSysProcAttrPerPlatform reads what the Go tree in use offers on each
// OS, choosing files by build constraints exactly as the compiler does
// (go/build): the fields of syscall.SysProcAttr, whether syscall.Kill
// exists, and which of this package's sysProcAttr files builds where.
func TestSysProcAttrPerPlatform(t *testing.T) {
	oses := []string{"linux", "freebsd", "darwin", "windows"}
	fields, kill, files := map[string][]string{}, map[string]bool{}, map[string][]string{}
	for _, goos := range oses {
		ctxt := build.Default
		ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled = goos, "amd64", false
		pkg, err := ctxt.Import("syscall", "", 0)
		require.NoError(t, err, goos)
		fields[goos], kill[goos] = declarations(t, pkg.Dir, pkg.GoFiles)
		own, err := ctxt.ImportDir(".", 0)
		require.NoError(t, err, goos)
		files[goos] = slices.DeleteFunc(own.GoFiles, func(f string) bool { return f != "proc_unix.go" && f != "proc_windows.go" })
	}

	// C041: the struct differs per OS.
	assert.Subset(t, fields["linux"], []string{"Setpgid", "Setsid", "Pdeathsig", "Credential", "Cloneflags", "AmbientCaps"})
	assert.NotContains(t, fields["darwin"], "Cloneflags")
	assert.NotContains(t, fields["darwin"], "AmbientCaps")
	assert.Subset(t, fields["windows"], []string{"HideWindow", "CreationFlags"})
	assert.NotContains(t, fields["windows"], "Setpgid")
	// C043: Pdeathsig is Linux's and FreeBSD's.
	assert.Contains(t, fields["freebsd"], "Pdeathsig")
	assert.NotContains(t, fields["darwin"], "Pdeathsig")
	// C090: syscall.Kill does not exist on Windows.
	assert.True(t, kill["linux"] && kill["darwin"] && kill["freebsd"])
	assert.False(t, kill["windows"])
	// C042: one sysProcAttr file per platform family.
	assert.Equal(t, []string{"proc_windows.go"}, files["windows"])
	for _, goos := range []string{"linux", "freebsd", "darwin"} {
		assert.Equal(t, []string{"proc_unix.go"}, files[goos], goos)
	}
	for _, goos := range oses {
		t.Logf("%s: %s builds; syscall.Kill %v; SysProcAttr has %d fields: %v",
			goos, files[goos], kill[goos], len(fields[goos]), fields[goos])
	}
}

// declarations parses a package's files and returns the fields of
// SysProcAttr and whether a function Kill is declared.
func declarations(t *testing.T, dir string, files []string) (fields []string, kill bool) {
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				kill = kill || (d.Recv == nil && d.Name.Name == "Kill")
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || ts.Name.Name != "SysProcAttr" {
						continue
					}
					for _, field := range ts.Type.(*ast.StructType).Fields.List {
						for _, n := range field.Names {
							fields = append(fields, n.Name)
						}
					}
				}
			}
		}
	}
	return fields, kill
}
