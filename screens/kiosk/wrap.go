package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"fengqiao/screens/textwrap"
)

// wrapText is a paragraph broken into lines by the rules of Chinese typesetting (package
// textwrap) at the width it is given. Before its first layout it assumes the width hint.
type wrapText struct {
	widget.BaseWidget
	Text     string
	TextSize float32
	Color    color.Color
	hint     float32

	cacheWidth float32 // the width cacheLines were broken for
	cacheLines []string
}

func newWrapText(s string, size float32, c color.Color, hint float32) *wrapText {
	w := &wrapText{Text: s, TextSize: size, Color: c, hint: hint}
	w.ExtendBaseWidget(w)
	return w
}

func (w *wrapText) measure(s string) float32 {
	return fyne.MeasureText(s, w.TextSize, fyne.TextStyle{}).Width
}

// lines returns the lines at the current width (the hint before the first layout).
func (w *wrapText) lines() []string {
	width := w.Size().Width
	if width <= 0 {
		width = w.hint
	}
	if w.cacheLines == nil || w.cacheWidth != width {
		w.cacheLines, w.cacheWidth = textwrap.Lines(w.Text, width, w.measure), width
	}
	return w.cacheLines
}

func (w *wrapText) lineHeight() float32 {
	return fyne.MeasureText("国", w.TextSize, fyne.TextStyle{}).Height
}

// MinSize is as tall as the lines at the current width; as narrow as six characters, or the
// text if shorter.
func (w *wrapText) MinSize() fyne.Size {
	lines := w.lines()
	widest := float32(0)
	for _, l := range lines {
		widest = max(widest, w.measure(l))
	}
	return fyne.NewSize(min(widest, w.measure("国国国国国国")), float32(len(lines))*w.lineHeight())
}

func (w *wrapText) CreateRenderer() fyne.WidgetRenderer {
	r := &wrapRenderer{w: w}
	r.build()
	return r
}

type wrapRenderer struct {
	w     *wrapText
	texts []fyne.CanvasObject
	width float32
}

func (r *wrapRenderer) build() {
	r.texts = r.texts[:0]
	for _, l := range r.w.lines() {
		t := canvas.NewText(l, r.w.Color)
		t.TextSize = r.w.TextSize
		r.texts = append(r.texts, t)
	}
	r.width = r.w.Size().Width
}

func (r *wrapRenderer) Layout(size fyne.Size) {
	if size.Width != r.width {
		r.build()
	}
	h := r.w.lineHeight()
	for i, t := range r.texts {
		t.Move(fyne.NewPos(0, float32(i)*h))
		t.Resize(fyne.NewSize(size.Width, h))
	}
}

func (r *wrapRenderer) MinSize() fyne.Size           { return r.w.MinSize() }
func (r *wrapRenderer) Objects() []fyne.CanvasObject { return r.texts }
func (r *wrapRenderer) Destroy()                     {}
func (r *wrapRenderer) Refresh() {
	r.w.cacheLines = nil
	r.build()
	r.Layout(r.w.Size())
	canvas.Refresh(r.w)
}
