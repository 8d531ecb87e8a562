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

// NewRenderer returns a Renderer that draws with the embedded fonts, assets.CJKFont and
// assets.FallbackFont.
func NewRenderer() (*Renderer, error) {
	return NewRendererWithFonts(assets.CJKFont, assets.FallbackFont)
}

// NewRendererWithFonts returns a Renderer that draws with the given TrueType fonts: primary for
// everything it has, fallback for the characters primary lacks.
func NewRendererWithFonts(primary, fallback []byte) (*Renderer, error) {
	fs, err := newFontSet(primary, fallback)
	if err != nil {
		return nil, fmt.Errorf("new renderer: %w", err)
	}
	return &Renderer{fonts: fs}, nil
}

var defaultRenderer = sync.OnceValues(NewRenderer)

// Default returns a shared Renderer with the embedded fonts.
func Default() (*Renderer, error) { return defaultRenderer() }
