package console

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fengqiao/config"
	"fengqiao/screens/theme"
)

// smallScreen is the smallest screen a window console runs on: a 1366×768 office monitor.
var smallScreen = fyne.NewSize(1366, 768)

// TestFitsSmallScreen lays the console out at 1366×768 at its real scale (the staff theme, the
// window padded as fengqiao window makes it) and fails when the console needs more room than
// that, or when anything shown is cut: drawn smaller than its minimum size, or outside the
// window or the scroller it sits in (nothing should need scrolling on such a screen).
func TestFitsSmallScreen(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(sc *Screen)
	}{
		{"sign-in", func(*Screen) {}},
		{"sign-in PIN", func(sc *Screen) { sc.pickStaff("王芳") }},
		{"serving", serveDemo},
		{"serving after a restore", func(sc *Screen) { serveDemo(sc); restoredDemo(sc) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(theme.Staff())
			sc := demoScreen(config.Default().Info())
			w := test.NewTempWindow(t, sc.Content())
			w.SetPadded(true)
			tt.setup(sc)
			w.Resize(smallScreen)
			if min := w.Content().MinSize(); min.Width > smallScreen.Width || min.Height > smallScreen.Height {
				t.Errorf("the console needs %v, more than the screen's %v", min, smallScreen)
			}
			if got := w.Canvas().Size(); got != smallScreen {
				t.Fatalf("canvas is %v, want %v", got, smallScreen)
			}
			for _, p := range cut(w.Canvas().Content(), smallScreen) {
				t.Error(p)
			}
		})
	}
}

// box is a rectangle in canvas coordinates.
type box struct{ pos, end fyne.Position }

func (b box) contains(o box) bool {
	const slack = 0.5
	return o.pos.X >= b.pos.X-slack && o.pos.Y >= b.pos.Y-slack && o.end.X <= b.end.X+slack && o.end.Y <= b.end.Y+slack
}

// cut walks the visible objects under root (a window's content of size) with their absolute
// positions and describes each drawn smaller than its minimum size or outside the box it is
// seen through: the window, or the scroller it is in.
func cut(root fyne.CanvasObject, size fyne.Size) []string {
	var problems []string
	var walk func(o fyne.CanvasObject, parent fyne.Position, view box, path string)
	walk = func(o fyne.CanvasObject, parent fyne.Position, view box, path string) {
		if !o.Visible() {
			return
		}
		pos := parent.Add(o.Position())
		sz := o.Size()
		here := box{pos, pos.Add(fyne.NewPos(sz.Width, sz.Height))}
		path += "/" + describe(o)
		if min := o.MinSize(); sz.Width < min.Width-0.5 || sz.Height < min.Height-0.5 {
			problems = append(problems, fmt.Sprintf("%s is drawn %v, smaller than its minimum %v", path, sz, min))
		}
		if !view.contains(here) {
			problems = append(problems, fmt.Sprintf("%s at %v–%v is outside %v–%v", path, here.pos, here.end, view.pos, view.end))
			return // its children are cut with it: one report is enough
		}
		var children []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			children = v.Objects
		case *widget.Entry, *keyEntry, *widget.Select:
			// Leaves: an entry scrolls its own text.
		case *container.Scroll:
			view = here
			children = []fyne.CanvasObject{v.Content}
		case fyne.Widget:
			children = test.WidgetRenderer(v).Objects()
		}
		for _, c := range children {
			walk(c, pos, view, path)
		}
	}
	walk(root, fyne.Position{}, box{end: fyne.NewPos(size.Width, size.Height)}, "")
	return problems
}

// describe names an object for a test failure: its type and, for text, the text.
func describe(o fyne.CanvasObject) string {
	switch v := o.(type) {
	case *widget.Button:
		return fmt.Sprintf("Button(%q)", v.Text)
	case *widget.Label:
		return fmt.Sprintf("Label(%q)", v.Text)
	case *canvas.Text:
		return fmt.Sprintf("Text(%q)", v.Text)
	}
	return fmt.Sprintf("%T", o)
}
