package center

import (
	"bytes"
	"image"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"

	"fengqiao/assets"
	"fengqiao/assets/glyphtest"
)

// TestMonthlyPDFRareCharacters writes the report of a centre whose name starts with 𠮷 (CJK
// Extension B) and finds HanaMinB's glyph, not a box, at the start of the title.
func TestMonthlyPDFRareCharacters(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skipf("pdftoppm not installed (poppler-utils): %v", err)
	}
	const ji = '\U00020BB7'
	var buf bytes.Buffer
	now := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
	if err := WriteMonthlyPDF(&buf, string(ji)+"祥镇综治中心", "2025-03", nil, Catalogue{}, now); err != nil {
		t.Fatal(err)
	}
	const dpi = 300.0
	img, err := glyphtest.PDFPage(buf.Bytes(), dpi)
	if err != nil {
		t.Fatal(err)
	}
	lines := glyphtest.Lines(img)
	if len(lines) == 0 {
		t.Fatal("blank page")
	}
	// The first glyph of the title: its first run of inked columns.
	em := int(18.0 / 72 * dpi)
	inked := func(x int) bool {
		return glyphtest.Ink(img, image.Rect(x, lines[0][0], x+1, lines[0][1])).Rect.Dy() > 0
	}
	left := 0
	for !inked(left) {
		left++
	}
	right := left
	for inked(right) {
		right++
	}
	got := glyphtest.Ink(img, image.Rect(left, lines[0][0], right, lines[0][1]))

	rare, err := sfnt.Parse(assets.RareFont)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := glyphtest.Reference(rare, ji, float64(em))
	if err != nil {
		t.Fatal(err)
	}
	glyphtest.WantGlyph(t, "𠮷 in the title", got, ref, 0.5)
}
