package printing

import (
	"fmt"
	"sync"

	"fengqiao/assets"
)

// Renderer renders receipts as PDF or ESC/POS. It parses its fonts once; it is safe for
// concurrent use.
type Renderer struct {
	fonts *fontSet
}

// NewRenderer returns a Renderer that draws with the embedded fonts: assets.CJKFont, then
// assets.FallbackFont (CJK Extension A) and assets.RareFont (Extensions B–F) for the characters
// the fonts before them lack.
func NewRenderer() (*Renderer, error) {
	return NewRendererWithFonts(assets.CJKFont, assets.FallbackFont, assets.RareFont)
}

// NewRendererWithFonts returns a Renderer that draws with the given TrueType fonts, in order of
// preference: each character with the first font that has it.
func NewRendererWithFonts(fonts ...[]byte) (*Renderer, error) {
	fs, err := newFontSet(fonts...)
	if err != nil {
		return nil, fmt.Errorf("new renderer: %w", err)
	}
	return &Renderer{fonts: fs}, nil
}

var defaultRenderer = sync.OnceValues(NewRenderer)

// Default returns a shared Renderer with the embedded fonts.
func Default() (*Renderer, error) { return defaultRenderer() }
