package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// tile is the kiosk's one kind of button: a large rounded card that runs OnTap. Label names it
// for tests and for the screen reader of the widget tree.
type tile struct {
	widget.BaseWidget
	Label   string
	OnTap   func()
	bg      *canvas.Rectangle
	content fyne.CanvasObject
	minH    float32
	pad     float32
	fill    color.Color
}

func newTile(label string, fill, stroke color.Color, radius, minH, pad float32, content fyne.CanvasObject, tap func()) *tile {
	bg := canvas.NewRectangle(fill)
	bg.CornerRadius = radius
	if stroke != nil {
		bg.StrokeColor, bg.StrokeWidth = stroke, 3
	}
	t := &tile{Label: label, OnTap: tap, bg: bg, content: content, minH: minH, pad: pad, fill: fill}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tile) CreateRenderer() fyne.WidgetRenderer {
	inner := container.New(&padLayout{pad: t.pad}, t.content)
	return widget.NewSimpleRenderer(container.NewStack(t.bg, inner))
}

func (t *tile) MinSize() fyne.Size {
	s := t.BaseWidget.MinSize()
	return fyne.NewSize(s.Width, max(s.Height, t.minH))
}

// Tapped runs the action with a brief pressed look.
func (t *tile) Tapped(*fyne.PointEvent) {
	if t.OnTap == nil {
		return
	}
	t.OnTap()
}
