package printing

import (
	"image"

	"fengqiao/printing/escpos"
	"image/color"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// dotsPerSize is the pixel size of normal type on a raster line, like the printers' 24-dot font.
const dotsPerSize = 24

// rasterFaces are font faces at one pixel size. A font.Face is not safe for concurrent use, so
// each rendering makes its own.
type rasterFaces struct {
	px    int
	faces []font.Face
}

func (rd *Renderer) newRasterFaces(px int) (*rasterFaces, error) {
	rf := &rasterFaces{px: px, faces: make([]font.Face, len(rd.fonts.sfnt))}
	for i, f := range rd.fonts.sfnt {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		rf.faces[i] = face
	}
	return rf, nil
}

// width is the advance of r in dots.
func (rf *rasterFaces) width(r run) int {
	if r.face == noFace {
		return rf.px * len([]rune(r.text))
	}
	return font.MeasureString(rf.faces[r.face], r.text).Ceil()
}

// wrap breaks runs into rows no wider than width dots, by the rules of breakLines.
func (rf *rasterFaces) wrap(runs []run, width int) [][]run {
	return wrapRuns(runs, float64(width), func(r run) float64 { return float64(rf.width(r)) })
}

// draw renders row on a white image width dots wide, centred or from the left, black where the
// glyph coverage is at least half. Characters without a font become outlined boxes.
func (rf *rasterFaces) draw(row []run, width int, center, boxed bool) *image.Gray {
	lineH := rf.px + rf.px/4
	img := image.NewGray(image.Rect(0, 0, width, lineH))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	total := 0
	for _, r := range row {
		total += rf.width(r)
	}
	x := 0
	if center {
		x = max(0, (width-total)/2)
	}
	baseline := rf.px * 7 / 8
	if boxed {
		rect(img, image.Rect(x-6, 0, x+total+6, lineH), 2)
	}
	for _, r := range row {
		if r.face == noFace {
			for range r.text {
				rect(img, image.Rect(x+rf.px/10, baseline-rf.px*8/10, x+rf.px*9/10, baseline+rf.px/10), 1)
				x += rf.px
			}
			continue
		}
		f := rf.faces[r.face]
		dot := fixed.P(x, baseline)
		prev := rune(-1)
		for _, c := range r.text {
			if prev >= 0 {
				dot.X += f.Kern(prev, c)
			}
			dr, mask, mp, adv, ok := f.Glyph(dot, c)
			if ok {
				blit(img, dr, mask, mp)
			}
			dot.X += adv
			prev = c
		}
		x = dot.X.Ceil()
	}
	return img
}

// blit sets dst black inside dr wherever mask (from mp) is at least half covered.
func blit(dst *image.Gray, dr image.Rectangle, mask image.Image, mp image.Point) {
	dr = dr.Intersect(dst.Bounds())
	a, isAlpha := mask.(*image.Alpha)
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			mx, my := mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y
			var cover uint8
			if isAlpha {
				cover = a.AlphaAt(mx, my).A
			} else {
				_, _, _, al := mask.At(mx, my).RGBA()
				cover = uint8(al >> 8)
			}
			if cover >= 0x80 {
				dst.Pix[dst.PixOffset(x, y)] = 0
			}
		}
	}
}

// rect outlines r in black, t dots thick, clipped to img.
func rect(img *image.Gray, r image.Rectangle, t int) {
	black := color.Gray{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if x < r.Min.X+t || x >= r.Max.X-t || y < r.Min.Y+t || y >= r.Max.Y-t {
				if image.Pt(x, y).In(img.Bounds()) {
					img.SetGray(x, y, black)
				}
			}
		}
	}
}

// qrBitmap draws a QR bitmap (with its quiet zone) at module dots per module, centred on a
// bitmap width dots wide.
func qrBitmap(bits [][]bool, module, width int) *escpos.Bitmap {
	n := len(bits) * module
	bm := escpos.NewBitmap(max(width, n), n)
	left := max(0, (bm.Width-n)/2)
	stride := bm.Stride()
	for r, cols := range bits {
		y := r * module
		for c, dark := range cols {
			if dark {
				for x := left + c*module; x < left+(c+1)*module; x++ {
					bm.Set(x, y)
				}
			}
		}
		first := bm.Pix[y*stride : (y+1)*stride]
		for k := 1; k < module; k++ {
			copy(bm.Pix[(y+k)*stride:], first)
		}
	}
	return bm
}
