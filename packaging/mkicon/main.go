// Command mkicon draws Fengqiao's application icon: a navy rounded square with a white 枫 in the
// embedded CJK font. The packages and FyneApp.toml use its output, assets/icon.png.
//
//	go run ./packaging/mkicon [-o assets/icon.png] [-size 512]
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"fengqiao/assets"
)

var (
	navy  = color.NRGBA{R: 0x1f, G: 0x3a, B: 0x68, A: 0xff}
	white = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

func main() {
	out := flag.String("o", "assets/icon.png", "output PNG file")
	size := flag.Int("size", 512, "width and height in pixels")
	flag.Parse()
	img, err := drawIcon(*size)
	if err == nil {
		err = writePNG(*out, img)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
}

// drawIcon returns the icon at size×size pixels.
func drawIcon(size int) (*image.NRGBA, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	roundedSquare(img, navy, float64(size)*0.18)

	f, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size) * 0.66, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	defer face.Close()

	const glyph = "枫"
	bounds, _ := font.BoundString(face, glyph)
	// Centre the glyph's ink, not its advance box.
	w := (bounds.Max.X - bounds.Min.X).Ceil()
	h := (bounds.Max.Y - bounds.Min.Y).Ceil()
	dot := fixed.P((size-w)/2, (size-h)/2).Sub(bounds.Min)
	d := font.Drawer{Dst: img, Src: image.NewUniform(white), Face: face, Dot: dot}
	d.DrawString(glyph)
	return img, nil
}

// roundedSquare fills img with c inside a square whose corners have radius r, anti-aliased by
// the coverage of each pixel's centre distance.
func roundedSquare(img *image.NRGBA, c color.NRGBA, r float64) {
	b := img.Bounds()
	n := float64(b.Dx())
	draw.Draw(img, b, image.Transparent, image.Point{}, draw.Src)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			// Distance outside the rounded square: clamp to the inner square, measure to the corner.
			dx := math.Max(math.Max(r-px, px-(n-r)), 0)
			dy := math.Max(math.Max(r-py, py-(n-r)), 0)
			cover := math.Min(math.Max(r-math.Hypot(dx, dy)+0.5, 0), 1)
			if cover > 0 {
				pc := c
				pc.A = uint8(float64(c.A) * cover)
				img.SetNRGBA(x, y, pc)
			}
		}
	}
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
