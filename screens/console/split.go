package console

import "fyne.io/fyne/v2"

// split lays out two objects side by side, the first taking ratio of the width.
type split struct {
	ratio, gap float32
}

// Layout implements fyne.Layout.
func (l *split) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := (size.Width - l.gap) * l.ratio
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
	objs[1].Move(fyne.NewPos(w+l.gap, 0))
	objs[1].Resize(fyne.NewSize(size.Width-w-l.gap, size.Height))
}

// MinSize implements fyne.Layout.
func (l *split) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width+l.gap, 400)
}
