package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxLines is the most lines a Go file of this repository may have, tests included.
const maxLines = 700

// TestNoGoFileOver700Lines keeps every Go file short enough to read in one sitting: a longer file
// is a package or a type doing more than one thing.
func TestNoGoFileOver700Lines(t *testing.T) {
	var long []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++ // a last line without a newline
		}
		if n > maxLines {
			long = append(long, fmt.Sprintf("\t%s: %d lines", filepath.ToSlash(path), n))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk the tree: %v", err)
	}
	if len(long) > 0 {
		t.Errorf("%d Go files have more than %d lines; split them:\n%s", len(long), maxLines, strings.Join(long, "\n"))
	}
}
