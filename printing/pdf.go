package printing

import (
	"bytes"
	"fmt"
	"slices"

	"fengqiao/printing/pdftext"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Type sizes in points on the PDF receipt. At 18 points a Chinese character's ink is about 5.5 mm
// tall: the hall and service names are read from arm's length.
var pdfPoints = map[size]float64{normal: 9, large: 18, huge: 40}

const (
	ptMM      = 25.4 / 72 // one point in millimetres
	pdfMargin = 4.0       // top and bottom margin, mm
	pdfLead   = 1.35      // line height as a multiple of the type size
)

// PDF renders r as a one-page PDF as wide as paper and as long as the receipt.
func (rd *Renderer) PDF(r Receipt, paper Paper) ([]byte, error) {
	url, err := r.validate()
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	qr, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("render pdf: qr: %w", err)
	}
	qr.DisableBorder = true

	lines := layout(&r, url)
	pdf := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: float64(paper), Ht: 100}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreator("Fengqiao", true)
	pdf.SetTitle(r.Ticket, true)

	// Split text lines into font runs, and hand gofpdf each face it needs cut down to the
	// characters of this receipt: gofpdf parses the whole font for every document, which for
	// the 4.6 MB CJK font costs far more than everything else (see docs/performance.md).
	runs := make([][]run, len(lines))
	chars := make([][]rune, len(rd.fonts.sfnt))
	missing := 0
	for i, l := range lines {
		if l.kind != textLine {
			continue
		}
		rs, m := rd.fonts.runs(l.text)
		missing += m
		runs[i] = rs
		for _, r := range rs {
			if r.face >= primary {
				chars[r.face] = append(chars[r.face], []rune(r.text)...)
			}
		}
	}
	faces := make([]pdftext.Face, len(chars))
	for f, cs := range chars {
		faces[f].Font = rd.fonts.sfnt[f]
		if face(f) != primary && !slices.ContainsFunc(cs, func(r rune) bool { return r <= 0xFFFF }) {
			continue // nothing for gofpdf: characters beyond the BMP go as images
		}
		ttf, err := rd.fonts.trim[f].Trim(cs)
		if err != nil {
			return nil, fmt.Errorf("render pdf: %w", err)
		}
		faces[f].Family = fmt.Sprintf("face%d", f)
		pdf.AddUTF8FontFromBytes(faces[f].Family, "", ttf)
	}
	tw, err := pdftext.New(pdf, faces...)
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	logMissing("pdf", missing)

	width := paper.printableMM()
	left := (float64(paper) - width) / 2
	qrMM := 36.0
	if paper == Paper58 {
		qrMM = 30
	}

	// First pass: wrap and measure; second: draw on a page of the measured height.
	type placed struct {
		line  line
		rows  [][]run
		lineH float64
	}
	var items []placed
	height := 2 * pdfMargin
	for i, l := range lines {
		p := placed{line: l}
		switch l.kind {
		case textLine:
			pt := pdfPoints[l.size]
			p.rows = wrapRuns(runs[i], width, func(r run) float64 { return runWidth(tw, r, pt) })
			p.lineH = pt * ptMM * pdfLead
			height += p.lineH * float64(len(p.rows))
			if l.boxed {
				height += 2
			}
		case ruleLine:
			p.lineH = 3
			height += p.lineH
		case gapLine:
			p.lineH = 1.5
			height += p.lineH
		case qrLine:
			p.lineH = qrMM + 2
			height += p.lineH
		}
		items = append(items, p)
	}

	pdf.AddPageFormat("P", gofpdf.SizeType{Wd: float64(paper), Ht: height})
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetFillColor(0, 0, 0)
	y := pdfMargin
	for _, p := range items {
		switch p.line.kind {
		case textLine:
			pt := pdfPoints[p.line.size]
			if p.line.boxed {
				y += 1
			}
			for _, row := range p.rows {
				w := rowWidth(tw, row, pt)
				x := left
				if p.line.center {
					x = left + (width-w)/2
				}
				baseline := y + pt*ptMM*1.05
				if p.line.boxed {
					pdf.SetLineWidth(0.5)
					pdf.Rect(x-2, y-1, w+4, p.lineH+1, "D")
				}
				drawRow(pdf, tw, row, pt, x, baseline)
				y += p.lineH
			}
			if p.line.boxed {
				y += 1
			}
		case ruleLine:
			pdf.SetLineWidth(0.2)
			pdf.SetDashPattern([]float64{1, 1}, 0)
			pdf.Line(left, y+p.lineH/2, left+width, y+p.lineH/2)
			pdf.SetDashPattern(nil, 0)
			y += p.lineH
		case gapLine:
			y += p.lineH
		case qrLine:
			drawQR(pdf, qr.Bitmap(), left+(width-qrMM)/2, y+1, qrMM)
			y += p.lineH
		}
	}

	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return out.Bytes(), nil
}

// runWidth is the width of run r in mm; a missing character is a square one em wide.
func runWidth(tw *pdftext.Writer, r run, pt float64) float64 {
	if r.face == noFace {
		return pt * ptMM * float64(len([]rune(r.text)))
	}
	return tw.Width(r.text, pt)
}

func rowWidth(tw *pdftext.Writer, row []run, pt float64) float64 {
	var w float64
	for _, r := range row {
		w += runWidth(tw, r, pt)
	}
	return w
}

// drawRow draws the runs of row from x on baseline; a character no font has is an outlined box.
func drawRow(pdf *gofpdf.Fpdf, tw *pdftext.Writer, row []run, pt, x, baseline float64) {
	for _, r := range row {
		if r.face != noFace {
			x += tw.Draw(r.text, pt, x, baseline)
			continue
		}
		em := pt * ptMM
		for range r.text {
			pdf.SetLineWidth(0.2)
			pdf.Rect(x+em*0.1, baseline-em*0.85, em*0.8, em*0.95, "D")
			x += em
		}
	}
}

// drawQR draws the QR bitmap as filled squares, size mm wide, with its top left at x, y. Runs of
// dark modules on a row become one rectangle.
func drawQR(pdf *gofpdf.Fpdf, bits [][]bool, x, y, size float64) {
	if len(bits) == 0 {
		return
	}
	m := size / float64(len(bits))
	for row, cols := range bits {
		for col := 0; col < len(cols); {
			if !cols[col] {
				col++
				continue
			}
			end := col
			for end < len(cols) && cols[end] {
				end++
			}
			pdf.Rect(x+float64(col)*m, y+float64(row)*m, float64(end-col)*m, m, "F")
			col = end
		}
	}
}
