package pdftext

import (
	"bytes"
	"image"
	"os/exec"
	"testing"

	"fengqiao/assets"
	"fengqiao/assets/glyphtest"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
)

func parse(t *testing.T, ttf []byte) *sfnt.Font {
	t.Helper()
	f, err := sfnt.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// page draws s at 72 points (one inch) from (10 mm, 40 mm) on an A6 page with the writer that
// faces make, and rasterises it at 150 dpi: 150 pixels per em.
func page(t *testing.T, s string, faces ...Face) *glyphPage {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skipf("pdftoppm not installed (poppler-utils): %v", err)
	}
	pdf := gofpdf.New("P", "mm", "A6", "")
	pdf.AddUTF8FontFromBytes("cjk", "", assets.CJKFont)
	pdf.AddPage()
	w, err := New(pdf, faces...)
	if err != nil {
		t.Fatal(err)
	}
	adv := w.Draw(s, 72, 10, 40)
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		t.Fatal(err)
	}
	img, err := glyphtest.PDFPage(out.Bytes(), 150)
	if err != nil {
		t.Fatal(err)
	}
	return &glyphPage{ink: glyphtest.Ink(img, img.Bounds()), advance: adv}
}

func TestDrawBeyondBMP(t *testing.T) {
	cjk, rare := parse(t, assets.CJKFont), parse(t, assets.RareFont)
	const ji = '\U00020BB7' // 𠮷
	ref, err := glyphtest.Reference(rare, ji, 150)
	if err != nil {
		t.Fatal(err)
	}
	got := page(t, string(ji), Face{"cjk", cjk}, Face{"", rare})
	glyphtest.WantGlyph(t, "𠮷 on the page", got.ink, ref, 0.6)
	if got.advance < 24 || got.advance > 27 {
		t.Errorf("advance %.1f mm, want about one em (25.4 mm)", got.advance)
	}

	// Without the rare font the same text is not the glyph: the comparison can fail.
	without := page(t, string(ji), Face{"cjk", cjk})
	if s := glyphtest.Similarity(without.ink, ref); s >= 0.6 {
		t.Errorf("without HanaMinB the page is still %.2f like the glyph", s)
	}
}

func TestSegments(t *testing.T) {
	cjk, ext, rare := parse(t, assets.CJKFont), parse(t, assets.FallbackFont), parse(t, assets.RareFont)
	w, err := New(gofpdf.New("P", "mm", "A6", ""), Face{"cjk", cjk}, Face{"ext", ext}, Face{"", rare})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in    string
		want  []segment
		plain bool
	}{
		{"张三", []segment{{"张三", 0, false}}, true},
		{"刘䶮", []segment{{"刘", 0, false}, {"䶮", 1, false}}, false},
		{"\U00020BB7田", []segment{{"\U00020BB7", 2, true}, {"田", 0, false}}, false},
		{"\U00020BB7\U00020BB7", []segment{{"\U00020BB7", 2, true}, {"\U00020BB7", 2, true}}, false},
	}
	for _, tt := range tests {
		got := w.segments(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("segments(%q) = %v, want %v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("segments(%q) = %v, want %v", tt.in, got, tt.want)
				break
			}
		}
		if p := w.Plain(tt.in); p != tt.plain {
			t.Errorf("Plain(%q) = %v, want %v", tt.in, p, tt.plain)
		}
	}
	if _, err := New(nil, Face{"", rare}); err == nil {
		t.Error("New accepted a first face without a family")
	}
}

type glyphPage struct {
	ink     *image.Alpha
	advance float64
}
