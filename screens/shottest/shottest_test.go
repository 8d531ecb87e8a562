package shottest

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWritePNGRoundTrip(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(2, 1, color.RGBA{R: 0x0b, G: 0x3d, B: 0x91, A: 0xff})
	path := filepath.Join(t.TempDir(), "s.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
	}
	if r, g, b, _ := got.At(2, 1).RGBA(); r>>8 != 0x0b || g>>8 != 0x3d || b>>8 != 0x91 {
		t.Errorf("pixel (2,1) = %x %x %x", r>>8, g>>8, b>>8)
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "missing", "s.png"), img); err == nil {
		t.Error("writing into a missing folder reported no error")
	}
}

func TestCheckPNG(t *testing.T) {
	dir := t.TempDir()
	flat := image.NewRGBA(image.Rect(0, 0, 8, 8))
	drawn := image.NewRGBA(image.Rect(0, 0, 8, 8))
	drawn.Set(7, 7, color.RGBA{R: 0xff, A: 0xff})
	for name, img := range map[string]image.Image{"flat.png": flat, "drawn.png": drawn} {
		if err := WritePNG(filepath.Join(dir, name), img); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "text.png"), []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string // part of the error; "" for none
	}{
		{"drawn.png", ""},
		{"flat.png", "flat colour"},
		{"text.png", "decode"},
		{"missing.png", "no such file"},
	}
	for _, tc := range tests {
		err := checkPNG(filepath.Join(dir, tc.name))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// recorder is a TB that records failures instead of failing.
type recorder struct {
	*testing.T
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) { r.errors = append(r.errors, format) }

func TestCheckNamesNothing(t *testing.T) {
	r := &recorder{T: t}
	Check(r, t.TempDir())
	if len(r.errors) != 1 {
		t.Errorf("checking no file reported %d errors, want 1", len(r.errors))
	}
}

func TestDirIsTemporaryWithoutTheFlag(t *testing.T) {
	if *dir != "" {
		t.Skip("-screenshots is set")
	}
	d := Dir(t)
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		t.Fatalf("Dir = %q: %v", d, err)
	}
}
