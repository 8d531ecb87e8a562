package theme

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"fengqiao/screens/golden"
)

// goldenColours are the colour names the screens' markup goldens refer to (Fyne's test markup
// writes a colour the theme gives by its name).
var goldenColours = []fyne.ThemeColorName{
	fynetheme.ColorNameBackground, fynetheme.ColorNameButton, fynetheme.ColorNameDisabled,
	fynetheme.ColorNameDisabledButton, fynetheme.ColorNameError, fynetheme.ColorNameFocus,
	fynetheme.ColorNameForeground, fynetheme.ColorNameForegroundOnError, fynetheme.ColorNameForegroundOnPrimary,
	fynetheme.ColorNameForegroundOnSuccess, fynetheme.ColorNameForegroundOnWarning, fynetheme.ColorNameHeaderBackground,
	fynetheme.ColorNameHover, fynetheme.ColorNameHyperlink, fynetheme.ColorNameInputBackground,
	fynetheme.ColorNameInputBorder, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground,
	fynetheme.ColorNamePlaceHolder, fynetheme.ColorNamePressed, fynetheme.ColorNamePrimary,
	fynetheme.ColorNameScrollBar, fynetheme.ColorNameScrollBarBackground, fynetheme.ColorNameSelection,
	fynetheme.ColorNameSeparator, fynetheme.ColorNameShadow, fynetheme.ColorNameSuccess, fynetheme.ColorNameWarning,
}

var goldenSizes = []fyne.ThemeSizeName{
	fynetheme.SizeNameCaptionText, fynetheme.SizeNameHeadingText, fynetheme.SizeNameInlineIcon,
	fynetheme.SizeNameInnerPadding, fynetheme.SizeNameInputBorder, fynetheme.SizeNameInputRadius,
	fynetheme.SizeNameLineSpacing, fynetheme.SizeNamePadding, fynetheme.SizeNameScrollBar,
	fynetheme.SizeNameScrollBarRadius, fynetheme.SizeNameSeparatorThickness, fynetheme.SizeNameSubHeadingText,
	fynetheme.SizeNameText,
}

// TestGolden keeps the themes' colours (one set: the screens have no dark variant) and sizes as the text golden testdata/golden/theme.txt:
// the screens' markup goldens name the theme's colours, so a new colour for "success" changes
// this golden rather than theirs.
func TestGolden(t *testing.T) {
	var b strings.Builder
	th := Kiosk()
	for _, n := range goldenColours {
		c := color.NRGBAModel.Convert(th.Color(n, fynetheme.VariantLight)).(color.NRGBA)
		fmt.Fprintf(&b, "colour %s: #%02x%02x%02x%02x\n", n, c.R, c.G, c.B, c.A)
	}
	for i := range len(serviceColours) {
		c := ServiceColour(i)
		fmt.Fprintf(&b, "service colour %d: #%02x%02x%02x%02x\n", i, c.R, c.G, c.B, c.A)
	}
	for _, x := range []struct {
		name string
		th   *Theme
	}{{"kiosk", Kiosk()}, {"elderly", Elderly()}, {"staff", Staff()}} {
		for _, n := range goldenSizes {
			fmt.Fprintf(&b, "size %s %s: %g\n", x.name, n, x.th.Size(n))
		}
	}
	golden.MatchText(t, "theme.txt", b.String())
}
