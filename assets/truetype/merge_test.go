package truetype

import (
	"testing"

	"fengqiao/assets"

	"golang.org/x/image/font/sfnt"
)

func TestMerge(t *testing.T) {
	parse := func(b []byte) *Font {
		f, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	cjk, ext, rare := parse(assets.CJKFont), parse(assets.FallbackFont), parse(assets.RareFont)
	merged, err := Merge(cjk, ext, rare)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sfnt.Parse(merged)
	if err != nil {
		t.Fatalf("parse merged font: %v", err)
	}
	var buf sfnt.Buffer
	// Each character must come out with the same outline as in the font it came from.
	for _, tt := range []struct {
		r    rune
		from *Font
	}{{'A', cjk}, {'枫', cjk}, {'，', cjk}, {'䶮', ext}, {'㐀', ext}, {'\U00020BB7', rare}, {'\U0002C317', rare}} {
		g, err := m.GlyphIndex(&buf, tt.r)
		if err != nil || g == 0 {
			t.Errorf("merged font lacks %q (%v)", tt.r, err)
			continue
		}
		got, err := m.LoadGlyph(&buf, g, 2048, nil)
		if err != nil {
			t.Fatalf("load %q: %v", tt.r, err)
		}
		var b2 sfnt.Buffer
		g0, _ := tt.from.sfnt.GlyphIndex(&b2, tt.r)
		want, err := tt.from.sfnt.LoadGlyph(&b2, g0, 2048, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) != len(want) {
			t.Errorf("%q: %d outline segments, want %d", tt.r, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%q: segment %d = %v, want %v", tt.r, i, got[i], want[i])
				break
			}
		}
	}
	if g, _ := m.GlyphIndex(&buf, '\U00020000'); g != 0 {
		t.Error("merged font maps U+20000, which no font has")
	}
	if _, err := Merge(cjk, parse(trimmedAt(t, 1000))); err == nil {
		t.Error("Merge accepted fonts of different units per em")
	}
}

// trimmedAt returns a small font whose head claims upem units per em.
func trimmedAt(t *testing.T, upem uint16) []byte {
	t.Helper()
	f, err := Parse(assets.FallbackFont)
	if err != nil {
		t.Fatal(err)
	}
	ttf, err := f.Trim([]rune("㐀"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	be.PutUint16(g.tables["head"][18:], upem)
	return g.data
}
