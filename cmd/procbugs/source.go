package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"strings"

	"procbugs/helpers/catalog"
)

// A method is one method of Broken or Fixed as it stands in a source file.
type method struct {
	Start     int // byte offset of its doc comment, or of func when it has none
	FuncStart int // byte offset of the func keyword
	BodyStart int // byte offset of the body's opening brace
	End       int // byte offset just past the closing brace
	Line      int // line of Start, from 1
	FuncLine  int // line of FuncStart
}

// findMethod finds the method named name in a Go source file.
func findMethod(src []byte, file, name string) (method, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return method{}, err
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != name || fn.Body == nil {
			continue
		}
		start := fn.Pos()
		if fn.Doc != nil {
			start = fn.Doc.Pos()
		}
		return method{
			Start:     fset.Position(start).Offset,
			FuncStart: fset.Position(fn.Pos()).Offset,
			BodyStart: fset.Position(fn.Body.Lbrace).Offset,
			End:       fset.Position(fn.End()).Offset,
			Line:      fset.Position(start).Line,
			FuncLine:  fset.Position(fn.Pos()).Line,
		}, nil
	}
	return method{}, fmt.Errorf("%s: no method %s", file, name)
}

// code is the source of an entry's method in one of its topic's files, as
// embedded in the binary: with its doc comment, or without it.
type code struct {
	File string // "pipes/broken.go"
	Line int    // the line the text starts on
	Text string
}

func entryCode(e catalog.Entry, file string, withDoc bool) (code, error) {
	t, ok := catalog.LookupTopic(e.Topic())
	if !ok || t.Files == nil {
		return code{}, fmt.Errorf("topic %s has no embedded sources", e.Topic())
	}
	src, err := fs.ReadFile(t.Files, file)
	if err != nil {
		return code{}, err
	}
	path := e.Topic() + "/" + file
	if !withDoc {
		return bareMethod(src, path, e.Func)
	}
	return methodCode(src, path, e.Func)
}

// methodCode is a method of a source file with its doc comment.
func methodCode(src []byte, path, name string) (code, error) {
	m, err := findMethod(src, path, name)
	if err != nil {
		return code{}, err
	}
	return code{File: path, Line: m.Line, Text: string(src[m.Start:m.End])}, nil
}

// bareMethod is a method as a question shows it: without any comment,
// which could say which file it comes from or what goes wrong, and with
// its receiver, Broken or Fixed, renamed Code.
func bareMethod(src []byte, path, name string) (code, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0) // no comments
	if err != nil {
		return code{}, err
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != name || fn.Body == nil {
			continue
		}
		for _, field := range fn.Recv.List {
			field.Type = &ast.Ident{NamePos: field.Type.Pos(), Name: "Code"}
		}
		var b strings.Builder
		if err := printer.Fprint(&b, fset, fn); err != nil {
			return code{}, err
		}
		return code{File: path, Line: fset.Position(fn.Pos()).Line, Text: b.String()}, nil
	}
	return code{}, fmt.Errorf("%s: no method %s", path, name)
}

// lines splits text into lines, tabs shown as four spaces so that the
// output's width is what a terminal shows.
func lines(text string) []string {
	return strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n")
}
