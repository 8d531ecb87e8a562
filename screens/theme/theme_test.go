package theme

import (
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// TestTextContrast checks the theme's text colours on the backgrounds Fyne draws them on.
func TestTextContrast(t *testing.T) {
	th := Kiosk()
	texts := []fyne.ThemeColorName{fynetheme.ColorNameForeground, fynetheme.ColorNamePlaceHolder,
		fynetheme.ColorNamePrimary, fynetheme.ColorNameError, fynetheme.ColorNameSuccess, fynetheme.ColorNameHyperlink}
	grounds := []fyne.ThemeColorName{fynetheme.ColorNameBackground, fynetheme.ColorNameInputBackground,
		fynetheme.ColorNameButton, fynetheme.ColorNameHeaderBackground}
	for _, tx := range texts {
		for _, g := range grounds {
			if c := Contrast(th.Color(tx, 0), th.Color(g, 0)); c < 4.5 {
				t.Errorf("%s on %s: %.2f:1, want ≥ 4.5", tx, g, c)
			}
		}
	}
	for _, fill := range []fyne.ThemeColorName{fynetheme.ColorNamePrimary, fynetheme.ColorNameWarning, fynetheme.ColorNameError} {
		if c := Contrast(th.Color(fynetheme.ColorNameForegroundOnPrimary, 0), th.Color(fill, 0)); c < 4.5 {
			t.Errorf("white on %s: %.2f:1, want ≥ 4.5", fill, c)
		}
	}
	if c := Contrast(OnPrimary, Ground); c > 1.2 {
		t.Errorf("Contrast of near-equal colours is %.2f", c)
	}
}

// TestBoldSurvivesModes: the font for bold text is the same in every mode, so leaving 长者模式
// changes no letter's look.
func TestBoldSurvivesModes(t *testing.T) {
	bold := fyne.TextStyle{Bold: true}
	want := Kiosk().Font(bold)
	for _, th := range []*Theme{Elderly(), Kiosk(), Staff()} {
		if got := th.Font(bold); got != want || got != th.Font(fyne.TextStyle{}) {
			t.Errorf("scale %v: bold font %v, want %v (the regular font)", th.Scale, got.Name(), want.Name())
		}
	}
}
