package printing

import (
	"fmt"
	"log/slog"
	"unicode"

	"fengqiao/assets/truetype"

	"golang.org/x/image/font/sfnt"
)

// face picks one of the receipt fonts.
type face int

const (
	noFace   face = -1 // no font has the character: draw a box
	primary  face = 0  // assets.CJKFont
	fallback face = 1  // assets.FallbackFont
	rare     face = 2  // assets.RareFont
)

// fontSet is the receipt fonts, parsed once, in order of preference.
type fontSet struct {
	sfnt []*sfnt.Font     // for coverage and raster drawing
	trim []*truetype.Font // for per-document cut-downs handed to gofpdf
}

func newFontSet(ttfs ...[]byte) (*fontSet, error) {
	if len(ttfs) == 0 {
		return nil, fmt.Errorf("no fonts")
	}
	fs := &fontSet{sfnt: make([]*sfnt.Font, len(ttfs)), trim: make([]*truetype.Font, len(ttfs))}
	for i, b := range ttfs {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("parse font %d: %w", i, err)
		}
		fs.sfnt[i] = f
		if fs.trim[i], err = truetype.Parse(b); err != nil {
			return nil, fmt.Errorf("parse font %d: %w", i, err)
		}
	}
	return fs, nil
}

// faceFor returns the first font that has a glyph for r.
func (fs *fontSet) faceFor(buf *sfnt.Buffer, r rune) face {
	for i, f := range fs.sfnt {
		if g, err := f.GlyphIndex(buf, r); err == nil && g != 0 {
			return face(i)
		}
	}
	return noFace
}

// run is a stretch of text drawn with one font.
type run struct {
	text string
	face face
}

// runs splits s into runs by font. Control characters are dropped; characters no font has
// become noFace runs of one character each (drawn as boxes) and are counted in missing.
func (fs *fontSet) runs(s string) (rs []run, missing int) {
	var buf sfnt.Buffer
	start, cur := 0, primary
	for i, r := range s {
		f := primary
		switch {
		case unicode.IsControl(r):
			f = noFace - 1 // dropped
		case r != ' ':
			f = fs.faceFor(&buf, r)
		}
		if i > start && (f != cur || f < primary) {
			if cur >= noFace {
				rs = append(rs, run{s[start:i], cur})
			}
			start = i
		}
		if i == start {
			cur = f
		}
		if f == noFace {
			missing++
		}
	}
	if start < len(s) && cur >= noFace {
		rs = append(rs, run{s[start:], cur})
	}
	return rs, missing
}

// logMissing notes characters that no font has, without logging the text itself (it may be part
// of a name).
func logMissing(where string, n int) {
	if n > 0 {
		slog.Warn("receipt: characters missing from every font, drawn as boxes", "renderer", where, "count", n)
	}
}
