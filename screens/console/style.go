package console

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fengqiao/screens/theme"
)

// text returns a canvas text of size, bold or not.
func text(s string, c color.Color, size float32, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize, t.TextStyle.Bold = size, bold
	return t
}

// card puts content on a white card with rounded corners and a thin border.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Card)
	bg.CornerRadius = 10
	bg.StrokeColor, bg.StrokeWidth = theme.Separator, 1
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(12, 12, 16, 16), content))
}

// outlined draws a thin blue frame around a plain button, which would otherwise vanish on a
// white card.
func outlined(b *widget.Button) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeColor, r.StrokeWidth, r.CornerRadius = theme.Navy, 1.5, 6
	return container.NewStack(b, r)
}

// heading is a section's title on a card.
func heading(s string) fyne.CanvasObject { return text(s, theme.Navy, 20, true) }

// setEnabled enables w, or disables it.
func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}
