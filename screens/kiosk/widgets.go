package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	kt "fengqiao/screens/theme"
)

// text returns a canvas text of the given size and colour. The kiosk uses no bold: the bundled
// CJK font has no bold face and Fyne does not embolden, so bold would thicken only the Latin
// letters and digits that fall back to another font (see docs/kiosk.md). Size and colour carry
// the emphasis.
func text(s string, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	return t
}

// badge is a coloured disc with one glyph: the simple icon of a service. It keeps its square
// size wherever it is laid out, so the disc never stretches into a pill.
func badge(glyph string, fill color.Color, d, size float32) fyne.CanvasObject {
	return inkBadge(glyph, fill, kt.OnPrimary, d, size)
}

// inkBadge is a badge with its glyph in the given colour.
func inkBadge(glyph string, fill, ink color.Color, d, size float32) fyne.CanvasObject {
	circle := canvas.NewCircle(fill)
	t := text(glyph, size, ink)
	t.Alignment = fyne.TextAlignCenter
	return container.NewCenter(withMin(d, d, circle, container.NewCenter(t)))
}

// rect returns a filled rectangle with a minimum size.
func rect(c color.Color, w, h float32) *canvas.Rectangle {
	r := canvas.NewRectangle(c)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

// card puts content on a white rounded card.
func card(content fyne.CanvasObject, pad, radius float32) fyne.CanvasObject {
	bg := canvas.NewRectangle(kt.Card)
	bg.CornerRadius = radius
	bg.StrokeColor, bg.StrokeWidth = kt.Separator, 1
	return container.NewStack(bg, container.New(&padLayout{pad: pad}, content))
}

// vbox stacks objects with a little more air than Fyne's default padding.
func vbox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(14), objs...)
}
func hbox(objs ...fyne.CanvasObject) *fyne.Container { return container.NewHBox(objs...) }
func spacer() fyne.CanvasObject                      { return layout.NewSpacer() }

// gap is empty space of a fixed size.
func gap(w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}
