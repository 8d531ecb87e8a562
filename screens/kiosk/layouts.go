package kiosk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

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

// minSizeLayout stacks its children over each other, at least w wide and h tall.
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

// withMin stacks objs, at least w wide and h tall.
func withMin(w, h float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&minSizeLayout{w: w, h: h}, objs...)
}

// stackVLayout stacks children vertically with no gaps.
type stackVLayout struct{}

func (stackVLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

func (stackVLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s
}

// pictureLayout places each child on a box given as fractions (x, y, w, h) of a drawing that
// keeps its aspect ratio and grows to fill the room it gets, centred.
type pictureLayout struct {
	min   fyne.Size
	boxes [][4]float32
}

func (p *pictureLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, size.Height*p.min.Width/p.min.Height)
	h := w * p.min.Height / p.min.Width
	x0, y0 := (size.Width-w)/2, (size.Height-h)/2
	for i, o := range objs {
		if i >= len(p.boxes) {
			break
		}
		b := p.boxes[i]
		o.Move(fyne.NewPos(x0+b[0]*w, y0+b[1]*h))
		o.Resize(fyne.NewSize(b[2]*w, b[3]*h))
	}
}

func (p *pictureLayout) MinSize([]fyne.CanvasObject) fyne.Size { return p.min }

// lines stacks texts with no gaps.
func lines(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(stackVLayout{}, objs...)
}
