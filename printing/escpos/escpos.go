// Package escpos encodes ESC/POS commands for the receipt printers of Fengqiao's kiosks: text in
// the printers' Chinese (GB18030 two-byte) mode, character sizes, native and raster QR codes,
// raster images and paper cuts.
//
// It writes commands only; which printer they go to and how is package devices/printer's business.
package escpos

import (
	"errors"
	"fmt"
	"image"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Command prefixes.
const (
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
)

// Align is a justification for ESC a.
type Align byte

// Justifications.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// Cut says how a receipt leaves the printer.
type Cut int

// Cut modes. Many 58 mm printers cut only partially, and many have no cutter at all.
const (
	CutFull    Cut = iota // GS V 65 n: feed n dots, then cut through
	CutPartial            // GS V 66 n: feed n dots, then cut leaving a tab
	CutNone               // feed enough paper to tear the receipt off
)

// String returns the flag spelling of c: "full", "partial" or "none".
func (c Cut) String() string {
	switch c {
	case CutFull:
		return "full"
	case CutPartial:
		return "partial"
	case CutNone:
		return "none"
	}
	return fmt.Sprintf("Cut(%d)", int(c))
}

// ParseCut parses "full", "partial" or "none".
func ParseCut(s string) (Cut, error) {
	for _, c := range []Cut{CutFull, CutPartial, CutNone} {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown cut mode %q (want full, partial or none)", s)
}

// ECLevel is a QR error-correction level for GS ( k function 169.
type ECLevel byte

// QR error-correction levels.
const (
	ECLow      ECLevel = '0'
	ECMedium   ECLevel = '1'
	ECQuartile ECLevel = '2'
	ECHigh     ECLevel = '3'
)

// MaxQRData is the most data bytes GS ( k function 180 stores.
const MaxQRData = 7089

// ErrTwoByte reports text that the printer's two-byte GB18030 Chinese mode cannot print; draw it
// as a raster image instead. That is every character needing four bytes, and also the few CJK
// Extension A and private-use characters GB18030 maps into the two-byte FE area (䶮 is FE 9F),
// which the fonts of GBK-era printers lack.
var ErrTwoByte = errors.New("text needs four-byte GB18030")

// Encoder appends ESC/POS commands to a byte slice. The zero value is ready to use; methods
// return the Encoder so that calls chain.
type Encoder struct {
	buf []byte
}

// Bytes returns the commands written so far. The slice aliases the Encoder's buffer.
func (e *Encoder) Bytes() []byte { return e.buf }

// Grow makes room for n more bytes.
func (e *Encoder) Grow(n int) {
	if cap(e.buf)-len(e.buf) < n {
		b := make([]byte, len(e.buf), len(e.buf)+n)
		copy(b, e.buf)
		e.buf = b
	}
}

// Raw appends b unchanged.
func (e *Encoder) Raw(b ...byte) *Encoder {
	e.buf = append(e.buf, b...)
	return e
}

// Init resets the printer (ESC @).
func (e *Encoder) Init() *Encoder { return e.Raw(esc, '@') }

// Align sets the justification (ESC a n).
func (e *Encoder) Align(a Align) *Encoder { return e.Raw(esc, 'a', byte(a)) }

// Size sets the character magnification (GS ! n); width and height are 1 to 8.
func (e *Encoder) Size(width, height int) *Encoder {
	width, height = clamp(width, 1, 8), clamp(height, 1, 8)
	return e.Raw(gs, '!', byte(width-1)<<4|byte(height-1))
}

// ChineseOn selects the two-byte Chinese character mode (FS &).
func (e *Encoder) ChineseOn() *Encoder { return e.Raw(fs, '&') }

// ChineseOff leaves the Chinese character mode (FS .).
func (e *Encoder) ChineseOff() *Encoder { return e.Raw(fs, '.') }

// Feed prints the buffer and feeds n lines (ESC d n).
func (e *Encoder) Feed(n int) *Encoder { return e.Raw(esc, 'd', byte(clamp(n, 0, 255))) }

// Text appends s encoded in GB18030 for Chinese mode. It writes nothing and returns an error
// wrapping ErrTwoByte if any character of s needs four bytes; check with Printable first.
func (e *Encoder) Text(s string) error {
	start := len(e.buf)
	var enc gb18030
	for _, r := range s {
		n := len(e.buf)
		e.buf = enc.append(e.buf, r)
		if len(e.buf)-n > 2 || rare(r) {
			e.buf = e.buf[:start]
			return fmt.Errorf("encode %U: %w", r, ErrTwoByte)
		}
	}
	return nil
}

// rare reports whether r is a CJK Extension A or private-use character: even where GB18030 gives
// it a two-byte code, printer fonts seldom have a glyph for it.
func rare(r rune) bool {
	return (r >= 0x3400 && r <= 0x4DBF) || (r >= 0xE000 && r <= 0xF8FF)
}

// Printable reports whether every character of s prints in two-byte GB18030 Chinese mode.
func Printable(s string) bool {
	var tmp [8]byte
	var enc gb18030
	for _, r := range s {
		if rare(r) || len(enc.append(tmp[:0], r)) > 2 {
			return false
		}
	}
	return true
}

// gb18030 encodes runes to GB18030, making its encoder on first use.
type gb18030 struct {
	enc *encoding.Encoder
}

// append appends the GB18030 encoding of r to b.
func (g *gb18030) append(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		return append(b, byte(r))
	}
	if g.enc == nil {
		g.enc = simplifiedchinese.GB18030.NewEncoder()
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	var dst [8]byte
	nDst, _, err := g.enc.Transform(dst[:], src[:n], true)
	if err != nil {
		return append(b, '?')
	}
	return append(b, dst[:nDst]...)
}

// QR appends a native QR code (GS ( k): model 2, module size dots (1–16), error correction ec,
// the data, and the print command. Keep data ASCII; some printers reject other bytes.
func (e *Encoder) QR(data string, module int, ec ECLevel) error {
	if len(data) == 0 || len(data) > MaxQRData {
		return fmt.Errorf("qr: data length %d outside 1..%d", len(data), MaxQRData)
	}
	e.Raw(gs, '(', 'k', 4, 0, '1', 'A', '2', 0)                     // fn 165: model 2
	e.Raw(gs, '(', 'k', 3, 0, '1', 'C', byte(clamp(module, 1, 16))) // fn 167: module size
	e.Raw(gs, '(', 'k', 3, 0, '1', 'E', byte(ec))                   // fn 169: error correction
	n := len(data) + 3
	e.Raw(gs, '(', 'k', byte(n), byte(n>>8), '1', 'P', '0') // fn 180: store
	e.buf = append(e.buf, data...)
	e.Raw(gs, '(', 'k', 3, 0, '1', 'Q', '0') // fn 181: print
	return nil
}

// Raster appends img as a GS v 0 raster bit image: pixels darker than mid-grey print black. The
// width is padded to whole bytes with white.
func (e *Encoder) Raster(img image.Image) error {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	wb := (w + 7) / 8
	if w == 0 || h == 0 || wb > 0xFFFF || h > 0xFFFF {
		return fmt.Errorf("raster: image size %dx%d out of range", w, h)
	}
	e.Grow(8 + wb*h)
	e.Raw(gs, 'v', '0', 0, byte(wb), byte(wb>>8), byte(h), byte(h>>8))
	if g, ok := img.(*image.Gray); ok {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := g.Pix[g.PixOffset(b.Min.X, y):][:w]
			for x := 0; x < w; x += 8 {
				var v byte
				for i := 0; i < 8 && x+i < w; i++ {
					if row[x+i] < 0x80 {
						v |= 0x80 >> i
					}
				}
				e.buf = append(e.buf, v)
			}
		}
		return nil
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := 0; x < w; x += 8 {
			var v byte
			for i := 0; i < 8 && x+i < w; i++ {
				r, g, bl, a := img.At(b.Min.X+x+i, y).RGBA()
				// Luma over white: transparent pixels are paper.
				lum := (299*r + 587*g + 114*bl) / 1000
				lum = lum*a/0xFFFF + (0xFFFF - a)
				if lum < 0x8000 {
					v |= 0x80 >> i
				}
			}
			e.buf = append(e.buf, v)
		}
	}
	return nil
}

// Cut feeds feed dots and cuts (GS V 65 n, GS V 66 n). CutNone feeds feed lines instead.
func (e *Encoder) Cut(c Cut, feed int) *Encoder {
	feed = clamp(feed, 0, 255)
	switch c {
	case CutFull:
		return e.Raw(gs, 'V', 65, byte(feed))
	case CutPartial:
		return e.Raw(gs, 'V', 66, byte(feed))
	default:
		return e.Feed(feed)
	}
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// Bitmap is a one-bit image packed the way GS v 0 takes it: Height rows of (Width+7)/8 bytes,
// the leftmost dot in the high bit, 1 for black.
type Bitmap struct {
	Width, Height int
	Pix           []byte
}

// NewBitmap returns a white bitmap of width × height dots.
func NewBitmap(width, height int) *Bitmap {
	return &Bitmap{Width: width, Height: height, Pix: make([]byte, (width+7)/8*height)}
}

// Stride is the length of one row in bytes.
func (b *Bitmap) Stride() int { return (b.Width + 7) / 8 }

// Set blackens the dot at x, y; dots outside the bitmap are ignored.
func (b *Bitmap) Set(x, y int) {
	if x >= 0 && y >= 0 && x < b.Width && y < b.Height {
		b.Pix[y*b.Stride()+x/8] |= 0x80 >> (x % 8)
	}
}

// RasterBitmap appends b as a GS v 0 raster bit image.
func (e *Encoder) RasterBitmap(b *Bitmap) error {
	wb := b.Stride()
	if b.Width <= 0 || b.Height <= 0 || wb > 0xFFFF || b.Height > 0xFFFF || len(b.Pix) != wb*b.Height {
		return fmt.Errorf("raster: bitmap size %dx%d out of range", b.Width, b.Height)
	}
	e.Grow(8 + len(b.Pix))
	e.Raw(gs, 'v', '0', 0, byte(wb), byte(wb>>8), byte(b.Height), byte(b.Height>>8))
	e.buf = append(e.buf, b.Pix...)
	return nil
}
