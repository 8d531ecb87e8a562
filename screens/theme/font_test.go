package theme

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"golang.org/x/image/font/sfnt"

	"fengqiao/assets"
	"fengqiao/assets/glyphtest"
)

const ji = '\U00020BB7' // 𠮷, CJK Extension B

// cjkOnly is the theme as it was before the merge: the CJK font alone.
type cjkOnly struct{ *Theme }

func (cjkOnly) Font(fyne.TextStyle) fyne.Resource {
	return fyne.NewStaticResource("wqy-microhei.ttf", assets.CJKFont)
}

// render draws s at 100 units with th on a headless Fyne canvas and returns the capture.
func render(t *testing.T, th fyne.Theme, s string) image.Image {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(th)
	txt := canvas.NewText(s, Ink)
	txt.TextSize = 100
	w := test.NewWindow(txt)
	defer w.Close()
	w.SetPadded(false)
	w.Resize(fyne.NewSize(160, 160))
	return w.Canvas().Capture()
}

func TestFontCovers(t *testing.T) {
	f, err := sfnt.Parse(Font().Content())
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, r := range "A枫桥，䶮㐀\U00020BB7\U0002C317" {
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			t.Errorf("theme font lacks %q", r)
		}
	}
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}} {
		if (&Theme{}).Font(style) != Font() {
			t.Errorf("style %+v does not use the merged font", style)
		}
	}
}

// TestRenderExtensionB draws 𠮷 on a headless Fyne canvas and compares its ink with HanaMinB's
// glyph and with a missing-glyph box.
func TestRenderExtensionB(t *testing.T) {
	rare, err := sfnt.Parse(assets.RareFont)
	if err != nil {
		t.Fatal(err)
	}
	img := render(t, Kiosk(), string(ji))
	got := glyphtest.Ink(img, img.Bounds())
	ref, err := glyphtest.Reference(rare, ji, 100)
	if err != nil {
		t.Fatal(err)
	}
	glyphtest.WantGlyph(t, "𠮷 on the kiosk", got, ref, 0.6)

	// The control: with the CJK font alone Fyne finds 𠮷 only in the system's fonts.
	ctl := glyphtest.Ink(render(t, cjkOnly{Kiosk()}, string(ji)), img.Bounds())
	if s := glyphtest.Similarity(ctl, ref); s >= 0.6 {
		t.Logf("the CJK font alone also draws 𠮷 (%.2f): a system font has it, so this run cannot tell the merge's part", s)
	}
}
