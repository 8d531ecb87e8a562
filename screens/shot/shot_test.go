package shot

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
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
