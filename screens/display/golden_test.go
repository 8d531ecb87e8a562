package display

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"fengqiao/config"
	"fengqiao/screens/golden"
)

// TestGolden checks the hall display, waiting counts only and after six calls, in landscape
// (1920×1080) and portrait (1080×1920) against its markup goldens in testdata/golden.
func TestGolden(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1080, Height: 1920}} {
		orient := "landscape"
		if size.Height > size.Width {
			orient = "portrait"
		}
		var names []string
		err := shoot(config.Default().Info(), size, func(name string, w fyne.Window) error {
			golden.Match(t, fmt.Sprintf("display-%s-%s", orient, name), w.Canvas())
			names = append(names, name)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 2 {
			t.Errorf("%s: rendered %v, want idle and call", orient, names)
		}
	}
}
