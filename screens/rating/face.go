package rating

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
	"fengqiao/screens/theme"
)

// mouthSegments is how many straight lines draw a face's mouth.
const mouthSegments = 12

// mouthCurve says how far a score's mouth bends, as a share of the face's size: up at the
// corners for a smile, down for a frown.
var mouthCurve = map[app.Score]float32{
	app.VerySatisfied: 0.22, app.Satisfied: 0.11, app.FairlySatisfied: 0,
	app.Dissatisfied: -0.11, app.VeryDissatisfied: -0.22,
}

// face is a round face drawn with canvas primitives: an outline, two eyes and a mouth whose
// curve says the score, so a visitor who cannot read still knows each button.
type face struct {
	score     app.Score
	head      *canvas.Circle
	eyes      [2]*canvas.Circle
	mouth     [mouthSegments]*canvas.Line
	objects   []fyne.CanvasObject
	lineWidth float32
}

func newFace(score app.Score, c color.Color) *face {
	f := &face{score: score, head: canvas.NewCircle(color.Transparent), lineWidth: 6}
	f.head.StrokeColor, f.head.StrokeWidth = c, f.lineWidth
	f.objects = append(f.objects, f.head)
	for i := range f.eyes {
		f.eyes[i] = canvas.NewCircle(c)
		f.objects = append(f.objects, f.eyes[i])
	}
	for i := range f.mouth {
		f.mouth[i] = canvas.NewLine(c)
		f.mouth[i].StrokeWidth = f.lineWidth
		f.objects = append(f.objects, f.mouth[i])
	}
	return f
}

// layout draws the face in the square of side d at pos.
func (f *face) layout(pos fyne.Position, d float32) {
	f.head.Move(pos)
	f.head.Resize(fyne.NewSize(d, d))
	eye := d * 0.11
	for i, x := range []float32{0.33, 0.67} {
		f.eyes[i].Move(pos.Add(fyne.NewPos(d*x-eye/2, d*0.36-eye/2)))
		f.eyes[i].Resize(fyne.NewSize(eye, eye))
	}
	// The mouth is a parabola through its two corners, bent by the score's curve.
	left, width, mid := d*0.27, d*0.46, d*0.66
	bend := mouthCurve[f.score] * d
	at := func(i int) fyne.Position {
		t := float32(i)/mouthSegments*2 - 1 // -1 … 1 from corner to corner
		return pos.Add(fyne.NewPos(left+width*(t+1)/2, mid-bend*(t*t-0.5)))
	}
	for i, l := range f.mouth {
		l.Position1, l.Position2 = at(i), at(i+1)
		l.Refresh()
	}
}

// refresh recolours the face.
func (f *face) refresh(c color.Color) {
	f.head.StrokeColor = c
	for _, e := range f.eyes {
		e.FillColor = c
	}
	for _, l := range f.mouth {
		l.StrokeColor = c
	}
	for _, o := range f.objects {
		o.Refresh()
	}
}

// faceButton is a large coloured rating button: a face over the score in words, in white.
type faceButton struct {
	widget.BaseWidget
	Label    string
	score    app.Score
	colour   color.NRGBA
	onTap    func()
	disabled bool
}

// newFaceButton returns the button for score, in colour c.
func newFaceButton(score app.Score, c color.NRGBA, tapped func()) *faceButton {
	b := &faceButton{Label: score.Label(), score: score, colour: c, onTap: tapped}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped implements fyne.Tappable.
func (b *faceButton) Tapped(*fyne.PointEvent) {
	if !b.disabled && b.onTap != nil {
		b.onTap()
	}
}

// SetDisabled greys the button out and ignores taps.
func (b *faceButton) SetDisabled(d bool) {
	b.disabled = d
	b.Refresh()
}

// Disabled reports whether the button ignores taps.
func (b *faceButton) Disabled() bool { return b.disabled }

// CreateRenderer implements fyne.Widget.
func (b *faceButton) CreateRenderer() fyne.WidgetRenderer {
	r := &bigRenderer{b: b, bg: canvas.NewRectangle(b.colour), text: text(b.Label, theme.OnPrimary, 40, true),
		face: newFace(b.score, theme.OnPrimary)}
	r.bg.CornerRadius = 18
	r.objs = append([]fyne.CanvasObject{r.bg, r.text}, r.face.objects...)
	return r
}

type bigRenderer struct {
	b    *faceButton
	bg   *canvas.Rectangle
	text *canvas.Text
	face *face
	objs []fyne.CanvasObject
}

// faceGap is the room between the face and the words.
const faceGap = 16

func (r *bigRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	ts := r.text.MinSize()
	d := min(s.Width*0.7, s.Height-ts.Height-faceGap-32, 150)
	top := (s.Height - d - faceGap - ts.Height) / 2
	r.face.layout(fyne.NewPos((s.Width-d)/2, top), d)
	r.text.Move(fyne.NewPos(0, top+d+faceGap))
	r.text.Resize(fyne.NewSize(s.Width, ts.Height))
}

func (r *bigRenderer) MinSize() fyne.Size {
	ts := r.text.MinSize()
	return fyne.NewSize(max(ts.Width+32, 120), max(ts.Height+faceGap+120, 260))
}

func (r *bigRenderer) Refresh() {
	r.bg.FillColor = r.b.colour
	if r.b.disabled {
		r.bg.FillColor = theme.Disabled
	}
	r.bg.Refresh()
	r.text.Refresh()
	r.face.refresh(theme.OnPrimary)
}

func (r *bigRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *bigRenderer) Destroy()                     {}
