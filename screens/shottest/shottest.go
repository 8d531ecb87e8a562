// Package shottest renders Fengqiao's screens to PNG files in tests, with Fyne's test driver. Each
// screen package's TestScreenshots renders its screens into a temporary folder and checks the
// pictures, or with -screenshots DIR into DIR; that is how docs/screenshots is refreshed:
//
//	go test -count=1 -run Screenshots ./screens/... -args -screenshots "$PWD/docs/screenshots"
//
// Import it from _test files only: it registers the -screenshots flag. It does not import package
// testing itself, so that the screens' production dependencies stay free of it; *testing.T is a TB.
package shottest

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
)

var dir = flag.String("screenshots", "", "render the screenshots into this folder (e.g. docs/screenshots) instead of a temporary one")

// TB is the part of testing.TB this package uses.
type TB interface {
	Helper()
	TempDir() string
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Dir returns the folder to render into: the -screenshots flag's, created if need be, or else a
// new temporary one.
func Dir(t TB) string {
	t.Helper()
	if *dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		t.Fatalf("screenshots folder: %v", err)
	}
	t.Logf("rendering into %s", *dir)
	return *dir
}

// Render runs render on the folder Dir returns, then checks the named files it should have
// written (see Check).
func Render(t TB, render func(dir string) error, names ...string) {
	t.Helper()
	dir := Dir(t)
	if err := render(dir); err != nil {
		t.Fatalf("render the screenshots: %v", err)
	}
	Check(t, dir, names...)
}

// Save writes what window w shows to path as a PNG.
func Save(w fyne.Window, path string) error {
	return WritePNG(path, w.Canvas().Capture())
}

// WritePNG stores img at path as an opaque PNG: at the best compression for the -screenshots
// folder (flat screens compress well), at the fastest for a temporary one.
func WritePNG(path string, img image.Image) error {
	b := img.Bounds()
	flat := image.NewNRGBA(b)
	draw.Draw(flat, b, img, b.Min, draw.Src)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if *dir != "" {
		enc.CompressionLevel = png.BestCompression
	}
	if err := enc.Encode(f, flat); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return nil
}

// Check fails t unless each named file in dir is a PNG picture: not empty, and not one flat
// colour. Naming no file fails too.
func Check(t TB, dir string, names ...string) {
	t.Helper()
	if len(names) == 0 {
		t.Errorf("no screenshot rendered in %s", dir)
	}
	for _, n := range names {
		if err := checkPNG(filepath.Join(dir, n)); err != nil {
			t.Errorf("screenshot %s: %v", n, err)
		}
	}
}

// checkPNG reports why the file at path is not a picture worth keeping.
func checkPNG(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	b := img.Bounds()
	if b.Empty() {
		return errors.New("empty image")
	}
	r0, g0, b0, a0 := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, a := img.At(x, y).RGBA(); r != r0 || g != g0 || bl != b0 || a != a0 {
				return nil
			}
		}
	}
	return fmt.Errorf("one flat colour over %d×%d", b.Dx(), b.Dy())
}
