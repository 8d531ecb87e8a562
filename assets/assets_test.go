package assets

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

func TestFontsCover(t *testing.T) {
	tests := []struct {
		name string
		font []byte
		has  []rune
		lack []rune
	}{
		{"CJKFont", CJKFont, []rune("A3 枫桥镇综治中心矛盾纠纷调解请在大厅等候叫号扫码查询办理进度补打张*丰-:"), []rune("㐀䶮")},
		{"FallbackFont", FallbackFont, []rune("㐀䶮㑇"), []rune("A\U00020BB7")},
		// 𠮷 (JIS X 0213 name character), 𠀡 (HKSCS), 𬌗 and 𫖮 (通用规范汉字表, Ext C and E).
		{"RareFont", RareFont, []rune("\U00020BB7\U00020021\U0002C317\U0002B5AE"), []rune("A吉㐀")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := sfnt.Parse(tt.font)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var buf sfnt.Buffer
			for _, want := range []struct {
				runes []rune
				ok    bool
			}{{tt.has, true}, {tt.lack, false}} {
				for _, r := range want.runes {
					g, err := f.GlyphIndex(&buf, r)
					if err != nil {
						t.Fatalf("GlyphIndex(%q): %v", r, err)
					}
					if (g != 0) != want.ok {
						t.Errorf("has %q = %v, want %v", r, g != 0, want.ok)
					}
				}
			}
		})
	}
}
