// Package glyphtest lets tests check that a rendering shows a character's real glyph, not the box
// a renderer draws for a missing one: it compares the ink of a rendering with a reference
// rendering of the glyph from the font itself, and with a .notdef-like box.
package glyphtest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Ink returns the dark pixels (luminance under half) of img within r as a mask cropped to their
// bounding box; it is empty when r holds no ink.
func Ink(img image.Image, r image.Rectangle) *image.Alpha {
	r = r.Intersect(img.Bounds())
	box := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if dark(img.At(x, y)) {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	m := image.NewAlpha(image.Rect(0, 0, box.Dx(), box.Dy()))
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			if dark(img.At(x, y)) {
				m.SetAlpha(x-box.Min.X, y-box.Min.Y, color.Alpha{A: 0xFF})
			}
		}
	}
	return m
}

func dark(c color.Color) bool {
	g := color.GrayModel.Convert(c).(color.Gray)
	_, _, _, a := c.RGBA()
	return a > 0x8000 && g.Y < 0x80
}

// Lines returns the bands of rows of img that hold ink, top to bottom, as [start, end) pairs:
// on a page of text, its lines.
func Lines(img image.Image) [][2]int {
	var bands [][2]int
	in := false
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		inked := Ink(img, image.Rect(b.Min.X, y, b.Max.X, y+1)).Rect.Dy() > 0
		switch {
		case inked && !in:
			bands, in = append(bands, [2]int{y, y + 1}), true
		case inked:
			bands[len(bands)-1][1] = y + 1
		default:
			in = false
		}
	}
	return bands
}

// Reference renders r from f at px pixels per em, black on white, and returns its ink.
func Reference(f *sfnt.Font, r rune, px float64) (*image.Alpha, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	n := int(px) * 2
	img := image.NewGray(image.Rect(0, 0, n, n))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(int(px)/2, int(px)*3/2)}
	d.DrawString(string(r))
	return Ink(img, img.Bounds()), nil
}

// Box returns the ink of an outlined rectangle w×h with lines t pixels thick: the shape of a
// .notdef glyph.
func Box(w, h, t int) *image.Alpha {
	m := image.NewAlpha(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if x < t || y < t || x >= w-t || y >= h-t {
				m.SetAlpha(x, y, color.Alpha{A: 0xFF})
			}
		}
	}
	return m
}

// Similarity is the intersection over union of the ink of a and b, with b scaled to a's size: 1
// for the same shape, near 0 for unrelated ones. Two empty masks are not similar.
func Similarity(a, b *image.Alpha) float64 {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	bw, bh := b.Rect.Dx(), b.Rect.Dy()
	if w == 0 || h == 0 || bw == 0 || bh == 0 {
		return 0
	}
	both, either := 0, 0
	for y := range h {
		for x := range w {
			ia := a.AlphaAt(x, y).A != 0
			ib := b.AlphaAt(x*bw/w, y*bh/h).A != 0
			if ia && ib {
				both++
			}
			if ia || ib {
				either++
			}
		}
	}
	return float64(both) / float64(either)
}

// PDFPage rasterises the first page of pdf at dpi with poppler's pdftoppm, which must be on PATH.
func PDFPage(pdf []byte, dpi int) (image.Image, error) {
	dir, err := os.MkdirTemp("", "glyphtest")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, err
	}
	out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pdftoppm: %w: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// MaxBoxLike is the most a real glyph may look like a missing-glyph Box: even a square
// character such as 口 scores under it, as its strokes are not a box's thin frame.
const MaxBoxLike = 0.3

// WantGlyph fails t unless got, the ink of what, is at least min like ref and at most MaxBoxLike
// like a box of ref's size. min depends on the resolution: 0.6 from 100 pixels per em, 0.5 at 50.
func WantGlyph(t testing.TB, what string, got, ref *image.Alpha, min float64) {
	t.Helper()
	box := Box(ref.Rect.Dx(), ref.Rect.Dy(), max(2, ref.Rect.Dx()/16))
	like, boxy := Similarity(got, ref), Similarity(got, box)
	t.Logf("%s is %.2f like the reference glyph, %.2f like a box", what, like, boxy)
	if like < min {
		t.Errorf("%s is %.2f like the reference glyph, want ≥ %.2f", what, like, min)
	}
	if boxy > MaxBoxLike {
		t.Errorf("%s is %.2f like a missing-glyph box, want ≤ %.2f", what, boxy, MaxBoxLike)
	}
}
