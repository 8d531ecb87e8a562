package theme

import (
	"testing"

	"fengqiao/assets"
)

// BenchmarkMergeFonts is the one-time cost of the screens' merged font.
func BenchmarkMergeFonts(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mergeFonts(assets.CJKFont, assets.FallbackFont, assets.RareFont); err != nil {
			b.Fatal(err)
		}
	}
}
