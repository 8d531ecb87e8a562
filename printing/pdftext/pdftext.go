// Package pdftext draws text on gofpdf pages with font fallback: each character in the first of
// several TrueType fonts that has it. gofpdf addresses only the Basic Multilingual Plane, so a
// character beyond it (CJK Extension B and later, 𠮷) is drawn as an image of its glyph,
// rasterised at 600 dpi and placed in the text flow at the glyph's advance.
package pdftext

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// dpi is the resolution of the glyph images: finer than any receipt or office printer.
const dpi = 600

const ptMM = 25.4 / 72 // one point in millimetres

// Face is one font of a Writer.
type Face struct {
	Family string     // the gofpdf family the font was added under; "" to draw it only as images
	Font   *sfnt.Font // the same font, parsed, for coverage and glyph images
}

// Writer draws text on one document. It is not safe for concurrent use.
type Writer struct {
	pdf    *gofpdf.Fpdf
	faces  []Face
	buf    sfnt.Buffer
	images map[glyphKey]glyphImage
}

type glyphKey struct {
	face int
	r    rune
	pt   float64
}

type glyphImage struct {
	name         string
	adv, asc, h  float64 // advance, ascent above the baseline and height, mm
	inkless, err bool
}

// New returns a Writer for pdf that draws with faces, in order of preference. The first face must
// have a Family.
func New(pdf *gofpdf.Fpdf, faces ...Face) (*Writer, error) {
	if len(faces) == 0 || faces[0].Family == "" {
		return nil, fmt.Errorf("pdftext: the first face needs a gofpdf family")
	}
	return &Writer{pdf: pdf, faces: faces, images: map[glyphKey]glyphImage{}}, nil
}

// FaceOf returns the index of the first face that has r, or -1.
func (w *Writer) FaceOf(r rune) int {
	for i, f := range w.faces {
		if g, err := f.Font.GlyphIndex(&w.buf, r); err == nil && g != 0 {
			return i
		}
	}
	return -1
}

// Plain reports whether the first face draws all of s as text, so that gofpdf's own cells can
// draw it.
func (w *Writer) Plain(s string) bool {
	for _, r := range s {
		if r > 0xFFFF || w.FaceOf(r) > 0 {
			return false
		}
	}
	return true
}

// segment is a stretch of s drawn one way: as text in face, or (image) as one glyph image.
type segment struct {
	text  string
	face  int
	image bool
}

// segments splits s by face; characters no face has go to the first face (gofpdf draws its
// .notdef glyph).
func (w *Writer) segments(s string) []segment {
	var segs []segment
	for _, r := range s {
		f := max(w.FaceOf(r), 0)
		img := r > 0xFFFF || w.faces[f].Family == ""
		if n := len(segs); n > 0 && !img && !segs[n-1].image && segs[n-1].face == f {
			segs[n-1].text += string(r)
			continue
		}
		segs = append(segs, segment{string(r), f, img})
	}
	return segs
}

// Width returns the width of s at pt points, in the document's unit (mm).
func (w *Writer) Width(s string, pt float64) float64 {
	total := 0.0
	for _, sg := range w.segments(s) {
		total += w.segmentWidth(sg, pt)
	}
	return total
}

func (w *Writer) segmentWidth(sg segment, pt float64) float64 {
	if sg.image {
		return w.glyph(sg.face, []rune(sg.text)[0], pt).adv
	}
	w.pdf.SetFont(w.faces[sg.face].Family, "", pt)
	return w.pdf.GetStringWidth(sg.text)
}

// Draw draws s at pt points from x on baseline and returns its width. It leaves the first face
// selected at pt.
func (w *Writer) Draw(s string, pt, x, baseline float64) float64 {
	start := x
	for _, sg := range w.segments(s) {
		adv := w.segmentWidth(sg, pt)
		if sg.image {
			if g := w.glyph(sg.face, []rune(sg.text)[0], pt); !g.inkless && !g.err {
				w.pdf.ImageOptions(g.name, x, baseline-g.asc, g.adv, g.h, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		} else {
			w.pdf.Text(x, baseline, sg.text)
		}
		x += adv
	}
	w.pdf.SetFont(w.faces[0].Family, "", pt)
	return x - start
}

// glyph rasterises r of face at pt points once per document and registers the image.
func (w *Writer) glyph(face int, r rune, pt float64) glyphImage {
	key := glyphKey{face, r, pt}
	if g, ok := w.images[key]; ok {
		return g
	}
	g := w.rasterise(key)
	w.images[key] = g
	return g
}

func (w *Writer) rasterise(k glyphKey) glyphImage {
	ff, err := opentype.NewFace(w.faces[k.face].Font, &opentype.FaceOptions{Size: k.pt, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		return glyphImage{err: true}
	}
	defer ff.Close()
	m := ff.Metrics()
	adv, _ := ff.GlyphAdvance(k.r)
	width, asc, h := adv.Ceil(), m.Ascent.Ceil(), (m.Ascent + m.Descent).Ceil()
	pxMM := 25.4 / dpi
	g := glyphImage{adv: float64(adv) / 64 * pxMM, asc: float64(asc) * pxMM, h: float64(h) * pxMM}
	dr, mask, mp, _, ok := ff.Glyph(fixed.P(0, asc), k.r)
	if !ok || width <= 0 || h <= 0 {
		g.inkless = true
		return g
	}
	// Black with the glyph's coverage as alpha, so that the image covers nothing around it.
	img := image.NewNRGBA(image.Rect(0, 0, width, h))
	inked := false
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			if !image.Pt(x, y).In(img.Rect) {
				continue
			}
			_, _, _, a := mask.At(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y).RGBA()
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{A: uint8(a >> 8)})
				inked = true
			}
		}
	}
	if !inked {
		g.inkless = true
		return g
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		g.err = true
		return g
	}
	g.name = fmt.Sprintf("glyph-%d-%x-%g", k.face, k.r, k.pt)
	w.pdf.RegisterImageOptionsReader(g.name, gofpdf.ImageOptions{ImageType: "PNG"}, &b)
	return g
}

// Cell draws s like gofpdf's CellFormat (border, ln, align "L", "C" or "R", fill) at pt points,
// with font fallback; text the first face draws whole goes through CellFormat itself.
func (w *Writer) Cell(width, height float64, s string, pt float64, border string, ln int, align string, fill bool) {
	w.pdf.SetFont(w.faces[0].Family, "", pt)
	if w.Plain(s) {
		w.pdf.CellFormat(width, height, s, border, ln, align, fill, 0, "")
		return
	}
	x, y := w.pdf.GetXY()
	if width == 0 {
		_, _, right, _ := w.pdf.GetMargins()
		pw, _ := w.pdf.GetPageSize()
		width = pw - right - x
	}
	w.pdf.CellFormat(width, height, "", border, ln, align, fill, 0, "")
	nextX, nextY := w.pdf.GetXY()
	tw := w.Width(s, pt)
	cm := w.pdf.GetCellMargin()
	tx := x + cm
	switch align {
	case "C":
		tx = x + (width-tw)/2
	case "R":
		tx = x + width - cm - tw
	}
	// gofpdf's CellFormat baseline: the cell's middle plus 0.3 of the font size.
	w.Draw(s, pt, tx, y+height/2+0.3*pt*ptMM)
	w.pdf.SetXY(nextX, nextY)
}
