package kiosk

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	kt "fengqiao/screens/theme"
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

// padLayout pads its single child by pad on every side and centres it vertically.
type padLayout struct{ pad float32 }

func (p *padLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(p.pad, p.pad))
		o.Resize(fyne.NewSize(size.Width-2*p.pad, size.Height-2*p.pad))
	}
}

func (p *padLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.Add(fyne.NewSize(2*p.pad, 2*p.pad))
}

// fixedHeight lays its children out stacked, at least h tall.
type minSizeLayout struct{ w, h float32 }

func (m *minSizeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m *minSizeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.w, m.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func withMin(w, h float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&minSizeLayout{w: w, h: h}, objs...)
}

// cornerPress is the staff corner: a long press opens the PIN keypad. A short tap does nothing.
type cornerPress struct {
	widget.BaseWidget
	hold    time.Duration
	onLong  func()
	post    func(func())
	content fyne.CanvasObject
	timer   *time.Timer
	downAt  time.Time
	seq     int
}

func newCornerPress(content fyne.CanvasObject, hold time.Duration, post func(func()), onLong func()) *cornerPress {
	c := &cornerPress{hold: hold, onLong: onLong, post: post, content: content}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cornerPress) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.content)
}

// MouseDown starts the long press (a touch on the kiosk's touchscreen arrives as a mouse press).
func (c *cornerPress) MouseDown(*desktop.MouseEvent) {
	c.seq++
	seq := c.seq
	c.downAt = time.Now()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(c.hold, func() {
		c.post(func() {
			if c.seq == seq && !c.downAt.IsZero() {
				c.downAt = time.Time{}
				c.onLong()
			}
		})
	})
}

// MouseUp ends the press; released early, nothing happens.
func (c *cornerPress) MouseUp(*desktop.MouseEvent) {
	c.downAt = time.Time{}
	if c.timer != nil {
		c.timer.Stop()
	}
}

var _ desktop.Mouseable = (*cornerPress)(nil)

// text returns a canvas text of the given size and colour.
func text(s string, size float32, c color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle.Bold = bold
	return t
}

// para returns a wrapping paragraph in body size.
func para(s string, importance widget.Importance) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = importance
	return l
}

// badge is a coloured disc with one glyph: the simple icon of a service. It keeps its square
// size wherever it is laid out, so the disc never stretches into a pill.
func badge(glyph string, fill color.Color, d, size float32) fyne.CanvasObject {
	return inkBadge(glyph, fill, kt.OnPrimary, d, size)
}

// inkBadge is a badge with its glyph in the given colour.
func inkBadge(glyph string, fill, ink color.Color, d, size float32) fyne.CanvasObject {
	circle := canvas.NewCircle(fill)
	t := text(glyph, size, ink, true)
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
