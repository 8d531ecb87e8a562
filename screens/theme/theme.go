// Package theme is the look shared by Fengqiao's screens: the bundled CJK font, large type, high
// contrast, a deep blue title band on a light ground, and one colour per service.
package theme

import (
	"fmt"
	"image/color"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"fengqiao/assets"
	"fengqiao/assets/truetype"
)

// Palette of the screens.
var (
	Navy       = color.NRGBA{R: 0x0b, G: 0x3d, B: 0x91, A: 0xff} // title band, primary
	NavyDark   = color.NRGBA{R: 0x07, G: 0x2a, B: 0x66, A: 0xff}
	Ground     = color.NRGBA{R: 0xee, G: 0xf2, B: 0xf8, A: 0xff} // page background
	Card       = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	Ink        = color.NRGBA{R: 0x1a, G: 0x1f, B: 0x2b, A: 0xff} // body text
	Muted      = color.NRGBA{R: 0x4a, G: 0x55, B: 0x68, A: 0xff} // secondary text, still high contrast
	Alert      = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	Success    = color.NRGBA{R: 0x17, G: 0x6b, B: 0x33, A: 0xff} // ≥ 4.5:1 on white and on a pale green notice
	Warning    = color.NRGBA{R: 0x99, G: 0x5a, B: 0x00, A: 0xff} // white text on it ≥ 4.5:1
	Separator  = color.NRGBA{R: 0xd5, G: 0xdc, B: 0xe8, A: 0xff}
	OnPrimary  = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	Disabled   = color.NRGBA{R: 0x8a, G: 0x94, B: 0xa6, A: 0xff}
	InputField = color.NRGBA{R: 0xf7, G: 0xf9, B: 0xfc, A: 0xff}
)

// serviceColours gives each default service one clear colour; others cycle through the list.
var serviceColours = []color.NRGBA{
	{R: 0x0b, G: 0x5c, B: 0xad, A: 0xff}, // 信访接待: blue
	{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}, // 法律咨询: green
	{R: 0xb2, G: 0x4a, B: 0x00, A: 0xff}, // 12345热线: orange
	{R: 0x7b, G: 0x1f, B: 0xa2, A: 0xff}, // 矛盾纠纷调解: purple
	{R: 0x00, G: 0x79, B: 0x7a, A: 0xff},
	{R: 0xad, G: 0x14, B: 0x57, A: 0xff},
}

// ServiceColour returns the colour of the i-th service in the catalogue.
func ServiceColour(i int) color.NRGBA { return serviceColours[i%len(serviceColours)] }

// Font returns the screens' font: the bundled CJK font, assets.CJKFont, merged with the bundled
// fonts for rare name characters, assets.FallbackFont (CJK Extension A) and assets.RareFont
// (Extensions B–F). A Fyne theme gives one font per text style, and Fyne falls back only to its
// own Latin font and the system's fonts, which a Windows hall may lack for 䶮 or 𠮷: so the fonts
// are joined into one, once, on first use (about 0.1 s; the font is 7 MB). Should the merge
// fail, the screens use assets.CJKFont alone.
func Font() fyne.Resource { return merged() }

var merged = sync.OnceValue(func() fyne.Resource {
	ttf, err := mergeFonts(assets.CJKFont, assets.FallbackFont, assets.RareFont)
	if err != nil {
		slog.Error("theme: rare-character fonts not merged: 䶮 and 𠮷 show as boxes", "err", err)
		return fyne.NewStaticResource("wqy-microhei.ttf", assets.CJKFont)
	}
	return fyne.NewStaticResource("fengqiao-cjk.ttf", ttf)
})

func mergeFonts(ttfs ...[]byte) ([]byte, error) {
	fonts := make([]*truetype.Font, len(ttfs))
	for i, b := range ttfs {
		f, err := truetype.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("merge fonts: %w", err)
		}
		fonts[i] = f
	}
	ttf, err := truetype.Merge(fonts[0], fonts[1:]...)
	if err != nil {
		return nil, fmt.Errorf("merge fonts: %w", err)
	}
	return ttf, nil
}

// Theme is the Fengqiao theme. Scale enlarges every text and padding size: 1 for staff screens,
// larger for the kiosk, larger again in elderly mode (长者模式).
type Theme struct {
	Scale float32
}

var _ fyne.Theme = (*Theme)(nil)

// Kiosk is the kiosk's theme: body text of 28 units.
func Kiosk() *Theme { return &Theme{Scale: 2} }

// Elderly is the kiosk in elderly mode at 1080p: everything 1.4 times larger.
func Elderly() *Theme { return &Theme{Scale: 2.8} }

// Staff is the theme of the window console.
func Staff() *Theme { return &Theme{Scale: 1.15} }

// Color implements fyne.Theme. The screens are always light: a kiosk in a bright hall.
func (t *Theme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch name {
	case fynetheme.ColorNameBackground:
		return Ground
	case fynetheme.ColorNameForeground:
		return Ink
	case fynetheme.ColorNamePrimary, fynetheme.ColorNameFocus, fynetheme.ColorNameHyperlink:
		return Navy
	case fynetheme.ColorNameForegroundOnPrimary:
		return OnPrimary
	case fynetheme.ColorNameButton:
		return Card
	case fynetheme.ColorNameDisabledButton:
		return Separator
	case fynetheme.ColorNameDisabled:
		return Disabled
	case fynetheme.ColorNamePlaceHolder:
		return Muted // a hint to read, not a disabled control: ≥ 4.5:1
	case fynetheme.ColorNameInputBackground:
		return InputField
	case fynetheme.ColorNameInputBorder, fynetheme.ColorNameSeparator:
		return Separator
	case fynetheme.ColorNameError:
		return Alert
	case fynetheme.ColorNameSuccess:
		return Success
	case fynetheme.ColorNameWarning:
		return Warning
	case fynetheme.ColorNameHeaderBackground, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground:
		return Card
	case fynetheme.ColorNameHover:
		return color.NRGBA{R: 0x0b, G: 0x3d, B: 0x91, A: 0x18}
	case fynetheme.ColorNamePressed:
		return color.NRGBA{R: 0x0b, G: 0x3d, B: 0x91, A: 0x30}
	case fynetheme.ColorNameSelection:
		return color.NRGBA{R: 0x0b, G: 0x3d, B: 0x91, A: 0x40}
	case fynetheme.ColorNameShadow:
		return color.NRGBA{A: 0x33}
	}
	return fynetheme.DefaultTheme().Color(name, fynetheme.VariantLight)
}

// Font implements fyne.Theme: the bundled CJK font for every style. It has no bold face and Fyne
// does not embolden, so bold text is drawn regular: the kiosk uses no bold (docs/kiosk.md).
func (t *Theme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Monospace || style.Symbol {
		return fynetheme.DefaultTheme().Font(style)
	}
	return Font()
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(name fyne.ThemeIconName) fyne.Resource {
	return fynetheme.DefaultTheme().Icon(name)
}

// Size implements fyne.Theme.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	s := t.Scale
	if s <= 0 {
		s = 1
	}
	switch name {
	case fynetheme.SizeNameText:
		return 14 * s
	case fynetheme.SizeNameHeadingText:
		return 22 * s
	case fynetheme.SizeNameSubHeadingText:
		return 17 * s
	case fynetheme.SizeNameCaptionText:
		return 14 * s // nothing on our screens is smaller than body text
	case fynetheme.SizeNameInputRadius, fynetheme.SizeNameSelectionRadius:
		return 6 * s
	case fynetheme.SizeNameScrollBar:
		return 12 * s
	}
	return fynetheme.DefaultTheme().Size(name) * s
}
