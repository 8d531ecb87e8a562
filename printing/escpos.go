package printing

import (
	"fmt"
	"strings"

	"fengqiao/printing/escpos"

	qrcode "github.com/skip2/go-qrcode"
)

// QRMode says how the ESC/POS receipt prints its QR code.
type QRMode int

// QR modes.
const (
	QRNative QRMode = iota // the printer's own QR command (GS ( k)
	QRRaster               // a raster image (GS v 0), which every printer prints
)

// String returns "native" or "raster".
func (m QRMode) String() string {
	if m == QRRaster {
		return "raster"
	}
	return "native"
}

// ParseQRMode parses "native" or "raster".
func ParseQRMode(s string) (QRMode, error) {
	switch s {
	case "native":
		return QRNative, nil
	case "raster":
		return QRRaster, nil
	}
	return 0, fmt.Errorf("unknown QR mode %q (want native or raster)", s)
}

// ESCPOSOptions configure an ESC/POS receipt for one printer.
type ESCPOSOptions struct {
	Paper Paper      // roll width; Paper80 if zero
	QR    QRMode     // native or raster QR code
	Cut   escpos.Cut // full, partial or no cut
}

// qrModule is the QR module size in dots.
func (o ESCPOSOptions) qrModule() int {
	if o.Paper == Paper58 {
		return 5
	}
	return 6
}

// ESCPOS renders r as an ESC/POS byte stream. Text goes out in GB18030 Chinese mode; a line
// holding characters the printer's two-byte mode cannot print (rare name characters) goes out as
// a raster image drawn with the fonts.
func (rd *Renderer) ESCPOS(r Receipt, opt ESCPOSOptions) ([]byte, error) {
	if opt.Paper == 0 {
		opt.Paper = Paper80
	}
	url, err := r.validate()
	if err != nil {
		return nil, fmt.Errorf("render escpos: %w", err)
	}
	var e escpos.Encoder
	e.Grow(1024)
	e.Init().ChineseOn()
	faces := map[size]*rasterFaces{}
	missing := 0
	for _, l := range layout(&r, url) {
		switch l.kind {
		case textLine:
			if escpos.Printable(l.text) {
				rd.escposText(&e, l, opt.Paper)
				continue
			}
			rf := faces[l.size]
			if rf == nil {
				if rf, err = rd.newRasterFaces(dotsPerSize * int(l.size)); err != nil {
					return nil, fmt.Errorf("render escpos: %w", err)
				}
				faces[l.size] = rf
			}
			runs, m := rd.fonts.runs(l.text)
			missing += m
			e.Align(escpos.Left)
			for _, row := range rf.wrap(runs, opt.Paper.Dots()) {
				if err := e.Raster(rf.draw(row, opt.Paper.Dots(), l.center, l.boxed)); err != nil {
					return nil, fmt.Errorf("render escpos: %w", err)
				}
			}
		case ruleLine:
			e.Align(escpos.Left).Size(1, 1)
			e.Raw([]byte(strings.Repeat("-", opt.Paper.Columns()) + "\n")...)
		case gapLine:
			e.Raw(0x1B, 'J', 12) // ESC J n: feed n dots
		case qrLine:
			e.Align(escpos.Center)
			if err := rd.escposQR(&e, l.text, opt); err != nil {
				return nil, fmt.Errorf("render escpos: %w", err)
			}
		}
	}
	logMissing("escpos", missing)
	e.Align(escpos.Left).Size(1, 1).ChineseOff()
	switch opt.Cut {
	case escpos.CutNone:
		e.Cut(escpos.CutNone, 5) // enough paper to tear off past the tear bar
	default:
		e.Cut(opt.Cut, 3)
	}
	return e.Bytes(), nil
}

// escposText writes a printable text line in Chinese mode, wrapped to the paper's columns.
func (rd *Renderer) escposText(e *escpos.Encoder, l line, paper Paper) {
	a := escpos.Left
	if l.center {
		a = escpos.Center
	}
	e.Align(a).Size(int(l.size), int(l.size))
	if l.boxed {
		e.Raw(0x1D, 'B', 1) // GS B 1: reverse printing
	}
	for _, row := range wrapColumns(l.text, paper.Columns()/int(l.size)) {
		_ = e.Text(row + "\n") // Printable was checked
	}
	if l.boxed {
		e.Raw(0x1D, 'B', 0)
	}
}

// escposQR writes the tracking QR code natively or as a raster image.
func (rd *Renderer) escposQR(e *escpos.Encoder, url string, opt ESCPOSOptions) error {
	if opt.QR == QRNative {
		if err := e.QR(url, opt.qrModule(), escpos.ECMedium); err != nil {
			return err
		}
		e.Raw('\n')
		return nil
	}
	qr, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	return e.RasterBitmap(qrBitmap(qr.Bitmap(), opt.qrModule(), opt.Paper.Dots()))
}

// wrapColumns breaks s into rows of at most cols half-width columns, by the rules of breakLines;
// a character outside ASCII takes two.
func wrapColumns(s string, cols int) []string {
	columns := func(r run) float64 {
		if r.text[0] >= 0x80 {
			return 2
		}
		return 1
	}
	var rows []string
	for _, row := range wrapRuns([]run{{s, primary}}, float64(cols), columns) {
		var b strings.Builder
		for _, r := range row {
			b.WriteString(r.text)
		}
		rows = append(rows, b.String())
	}
	return rows
}
