package truetype

import (
	"reflect"
	"testing"

	"fengqiao/assets"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

func TestTrim(t *testing.T) {
	tests := []struct {
		name  string
		font  []byte
		keep  string
		lacks string
	}{
		{"cjk", assets.CJKFont, "A003 枫桥镇综治中心*-:补打", "㐀我"},
		{"fallback", assets.FallbackFont, "㐀䶮", "A枫"},
		{"empty", assets.CJKFont, "", "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.font)
			if err != nil {
				t.Fatal(err)
			}
			ttf, err := f.Trim([]rune(tt.keep))
			if err != nil {
				t.Fatal(err)
			}
			if len(ttf) > len(tt.font)/10 {
				t.Errorf("trimmed font is %d bytes of %d", len(ttf), len(tt.font))
			}
			orig, err := sfnt.Parse(tt.font)
			if err != nil {
				t.Fatal(err)
			}
			trim, err := sfnt.Parse(ttf)
			if err != nil {
				t.Fatalf("trimmed font does not parse: %v", err)
			}
			var bo, bt sfnt.Buffer
			ppem := fixed.I(64)
			for _, r := range tt.keep {
				go1, _ := orig.GlyphIndex(&bo, r)
				gt, err := trim.GlyphIndex(&bt, r)
				if err != nil || gt == 0 {
					t.Errorf("%q: no glyph in trimmed font (%v)", r, err)
					continue
				}
				so, err1 := orig.LoadGlyph(&bo, go1, ppem, nil)
				st, err2 := trim.LoadGlyph(&bt, gt, ppem, nil)
				if err1 != nil || err2 != nil || !reflect.DeepEqual(so, st) {
					t.Errorf("%q: outline differs (%v, %v)", r, err1, err2)
				}
				ao, _ := orig.GlyphAdvance(&bo, go1, ppem, 0)
				at, _ := trim.GlyphAdvance(&bt, gt, ppem, 0)
				if ao != at {
					t.Errorf("%q: advance %v, want %v", r, at, ao)
				}
			}
			for _, r := range tt.lacks {
				if g, _ := trim.GlyphIndex(&bt, r); g != 0 {
					t.Errorf("%q: trimmed font has glyph %d", r, g)
				}
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("ttcf0000000000000"), append([]byte{0, 1, 0, 0, 0, 40}, make([]byte, 20)...)} {
		if _, err := Parse(b); err == nil {
			t.Errorf("Parse(% x...) succeeded", b[:min(len(b), 8)])
		}
	}
}
