package cli

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fengqiao/app"
)

// TestWindowPickerFits checks that a town hall's twelve windows all show on a 1366×768 console
// screen, and that tapping a window's button picks that window.
func TestWindowPickerFits(t *testing.T) {
	for _, n := range []int{1, 3, 12} {
		t.Run(fmt.Sprintf("%d windows", n), func(t *testing.T) {
			info := app.Info{}
			for i := 1; i <= n; i++ {
				info.Windows = append(info.Windows, app.Window{ID: i})
			}
			picked := 0
			w := test.NewTempWindow(t, windowPicker(info, func(id int) { picked = id }))
			w.Resize(fyne.NewSize(1366, 768))
			var buttons []*widget.Button
			var walk func(o fyne.CanvasObject, pos fyne.Position)
			walk = func(o fyne.CanvasObject, pos fyne.Position) {
				at := pos.Add(o.Position())
				if b, ok := o.(*widget.Button); ok {
					buttons = append(buttons, b)
					if at.Y < 0 || at.Y+b.Size().Height > 768 || at.X < 0 || at.X+b.Size().Width > 1366 {
						t.Errorf("button at %v size %v is off the 1366×768 screen", at, b.Size())
					}
					return
				}
				if c, ok := o.(*fyne.Container); ok {
					for _, ch := range c.Objects {
						walk(ch, at)
					}
				}
				if s, ok := o.(fyne.Widget); ok {
					for _, ch := range test.WidgetRenderer(s).Objects() {
						walk(ch, at)
					}
				}
			}
			walk(w.Content(), fyne.Position{})
			if len(buttons) != n {
				t.Fatalf("%d buttons for %d windows", len(buttons), n)
			}
			test.Tap(buttons[n-1])
			if picked != n {
				t.Errorf("tapping the last button picked window %d, want %d", picked, n)
			}
		})
	}
}
