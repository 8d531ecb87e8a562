package printing

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"fengqiao/assets"
	"fengqiao/assets/glyphtest"

	"github.com/jung-kurt/gofpdf"
)

const ji = '\U00020BB7' // 𠮷, CJK Extension B: in assets.RareFont only

func TestPDFHallPhone(t *testing.T) {
	rd := testRenderer(t)
	r := sample()
	r.HallPhone = "0575-87000000"
	for _, paper := range []Paper{Paper80, Paper58} {
		pdf, err := rd.PDF(r, paper)
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
		if !strings.Contains(flat, PhoneLabel+" 0575-87000000") {
			t.Errorf("%v: pdftotext output lacks the hall phone:\n%s", paper, flat)
		}
	}
	pdf, err := rd.PDF(sample(), Paper80)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pdfText(t, pdf), PhoneLabel) {
		t.Error("a receipt without a hall phone prints the phone label")
	}
}

func TestESCPOSHallPhone(t *testing.T) {
	r := sample()
	r.HallPhone = "0575-87000000"
	b, err := testRenderer(t).ESCPOS(r, ESCPOSOptions{Paper: Paper58})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, gb(t, PhoneLabel+" 0575-87000000")) {
		t.Error("stream lacks the hall phone")
	}
}

// nameGlyph returns the ink of the first character of the masked name on the rasterised sample
// receipt at pt points: on the ninth line of ink (hall, service, rule, ticket, wait, rule, place,
// time, name), one em wide after "姓名 " from the left margin.
func nameGlyph(t *testing.T, img image.Image, dpi, pt float64) *image.Alpha {
	t.Helper()
	bands := glyphtest.Lines(img)
	if len(bands) < 9 {
		t.Fatalf("%d lines of ink, want at least 9", len(bands))
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("cjk", "", assets.CJKFont)
	pdf.SetFont("cjk", "", pt)
	x := (float64(Paper80)-Paper80.printableMM())/2 + pdf.GetStringWidth("姓名 ")
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	return glyphtest.Ink(img, image.Rect(px(x)-1, bands[8][0], px(x+pt*ptMM)+1, bands[8][1]))
}

// TestPDFServiceNameHeight measures the service name's ink on the rasterised receipt: the second
// band of ink from the top (after the hall name) must be at least 5 mm tall.
func TestPDFServiceNameHeight(t *testing.T) {
	needTool(t, "pdftoppm")
	const dpi = 300
	rd := testRenderer(t)
	for _, paper := range []Paper{Paper80, Paper58} {
		t.Run(paper.String(), func(t *testing.T) {
			pdf, err := rd.PDF(sample(), paper)
			if err != nil {
				t.Fatal(err)
			}
			img, err := glyphtest.PDFPage(pdf, dpi)
			if err != nil {
				t.Fatal(err)
			}
			bands := glyphtest.Lines(img)
			if len(bands) < 3 {
				t.Fatalf("ink bands %v", bands)
			}
			mm := float64(bands[1][1]-bands[1][0]) / dpi * 25.4
			t.Logf("service name ink %.2f mm tall", mm)
			if mm < 5 {
				t.Errorf("service name ink %.1f mm tall, want ≥ 5 mm", mm)
			}
		})
	}
}

func TestESCPOSServiceNameSize(t *testing.T) {
	for _, paper := range []Paper{Paper80, Paper58} {
		b, err := testRenderer(t).ESCPOS(sample(), ESCPOSOptions{Paper: paper})
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, gb(t, sample().Service))
		if i < 0 {
			t.Fatalf("%v: stream lacks the service name", paper)
		}
		j := bytes.LastIndex(b[:i], []byte{0x1D, '!'})
		if j < 0 || j+2 >= i {
			t.Fatalf("%v: no GS ! before the service name", paper)
		}
		if n := b[j+2]; n>>4+1 < 2 || n&0x0F+1 < 2 {
			t.Errorf("%v: service name at size %dx%d, want at least 2x2 (6 mm)", paper, n>>4+1, n&0x0F+1)
		}
	}
}

// TestPDFExtensionB finds 𠮷 on the rasterised receipt as HanaMinB's glyph, where without the rare
// font the receipt draws a box.
func TestPDFExtensionB(t *testing.T) {
	needTool(t, "pdftoppm")
	const dpi = 400.0
	r := sample()
	r.MaskedName = string(ji) + "*丰"
	// The name line alone: "姓名 𠮷*丰". Find 𠮷 as the ink right of "姓名 ".
	glyph := func(rd *Renderer) *image.Alpha {
		t.Helper()
		pdf, err := rd.PDF(r, Paper80)
		if err != nil {
			t.Fatal(err)
		}
		img, err := glyphtest.PDFPage(pdf, int(dpi))
		if err != nil {
			t.Fatal(err)
		}
		return nameGlyph(t, img, dpi, pdfPoints[normal])
	}
	ref, err := glyphtest.Reference(testRenderer(t).fonts.sfnt[rare], ji, pdfPoints[normal]/72*dpi)
	if err != nil {
		t.Fatal(err)
	}
	// At 50 pixels per em two rasterisers differ in a stroke's edge pixels.
	glyphtest.WantGlyph(t, "𠮷 on the receipt", glyph(testRenderer(t)), ref, 0.5)
	box := glyphtest.Box(ref.Rect.Dx(), ref.Rect.Dy(), 4)
	noRare, err := NewRendererWithFonts(assets.CJKFont, assets.FallbackFont)
	if err != nil {
		t.Fatal(err)
	}
	if s := glyphtest.Similarity(glyph(noRare), box); s < 0.6 {
		t.Errorf("without the rare font 𠮷 is %.2f like a box, want ≥ 0.6", s)
	}
}

// TestESCPOSExtensionB checks that the raster line of a name with 𠮷 draws HanaMinB's glyph.
func TestESCPOSExtensionB(t *testing.T) {
	rd := testRenderer(t)
	rf, err := rd.newRasterFaces(2 * dotsPerSize)
	if err != nil {
		t.Fatal(err)
	}
	runs, missing := rd.fonts.runs(string(ji))
	if missing != 0 {
		t.Fatalf("%d characters missing", missing)
	}
	img := rf.draw(runs, 200, false, false)
	got := glyphtest.Ink(img, img.Bounds())
	ref, err := glyphtest.Reference(rd.fonts.sfnt[rare], ji, 2*dotsPerSize)
	if err != nil {
		t.Fatal(err)
	}
	glyphtest.WantGlyph(t, "𠮷 in the raster", got, ref, 0.5)

	r := sample()
	r.MaskedName = string(ji) + "*丰"
	b, err := rd.ESCPOS(r, ESCPOSOptions{Paper: Paper58})
	if err != nil {
		t.Fatal(err)
	}
	if imgs := rasters(t, b); len(imgs) != 1 || ink(imgs[0]) < 50 {
		t.Errorf("the name line with 𠮷 is not one inked raster image")
	}
}
