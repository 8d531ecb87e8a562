// Package golden checks the screens' renders against markup goldens: text files under the test
// package's testdata/golden that list every object a screen draws, with its place, size, colour
// and text (Fyne's test markup). A change to what a screen shows changes its markup and fails the
// test; Fyne writes the new render to testdata/failed/golden, which a reviewer compares with the
// golden. Once the change is meant, the -update flag copies the new renders over the goldens:
//
//	go test -count=1 -run Golden ./screens/{kiosk,console,display,rating,theme} -args -update
//
// (only packages that import golden know the flag, hence the list).
//
// Markup rather than pictures: it does not depend on how glyphs are rasterised, a diff shows
// what changed in words, and a failing picture of 1920×1080 makes testify print megabytes.
//
// Import it from _test files only: it registers the -update flag and links Fyne's test driver.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var update = flag.Bool("update", false, "copy the renders that differ from their markup golden over the golden (testdata/golden)")

// Match fails t unless canvas c renders to the markup golden testdata/golden/<name>.xml. With
// -update, a render that differs replaces the golden, and t still fails: run again to check.
func Match(t *testing.T, name string, c fyne.Canvas) bool {
	t.Helper()
	file := filepath.Join("golden", name+".xml")
	if test.AssertRendersToMarkup(t, file, c) {
		return true
	}
	if *update {
		if err := replace(filepath.Join("testdata", file), filepath.Join("testdata", "failed", file)); err != nil {
			t.Fatalf("update golden %s: %v", name, err)
		}
		t.Logf("golden %s rewritten: run again without -update to check it", name)
	}
	return false
}

// MatchText fails t unless got is the text of the golden testdata/golden/<name>, for what markup
// cannot show: markup names a colour the theme gives ("success") instead of its value, so the
// theme's values are kept as text. A text that differs is written to testdata/failed/golden, and
// with -update over the golden.
func MatchText(t *testing.T, name, got string) bool {
	t.Helper()
	file := filepath.Join("golden", name)
	want, err := os.ReadFile(filepath.Join("testdata", file))
	if err == nil && string(want) == got {
		return true
	}
	failed := filepath.Join("testdata", "failed", file)
	if err := os.MkdirAll(filepath.Dir(failed), 0o755); err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	if err := os.WriteFile(failed, []byte(got), 0o644); err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	if err != nil {
		t.Errorf("golden %s: %v; the text was written to %s", name, err, failed)
	} else {
		t.Errorf("golden %s differs, first at %s; the text was written to %s", name, firstDiff(string(want), got), failed)
	}
	if *update {
		if err := replace(filepath.Join("testdata", file), failed); err != nil {
			t.Fatalf("update golden %s: %v", name, err)
		}
		t.Logf("golden %s rewritten: run again without -update to check it", name)
	}
	return false
}

// firstDiff describes the first line where got departs from want.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, wl, gl)
		}
	}
	return "no line (the texts are equal)"
}

// replace moves the failed render to the golden's place.
func replace(golden, failed string) error {
	if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
		return fmt.Errorf("golden folder: %w", err)
	}
	if err := os.Rename(failed, golden); err != nil {
		return fmt.Errorf("move the new render: %w", err)
	}
	// Leave no empty folders behind (Remove fails on a folder that is not empty).
	os.Remove(filepath.Dir(failed))
	os.Remove(filepath.Join("testdata", "failed"))
	return nil
}
