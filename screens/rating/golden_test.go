package rating

import (
	"testing"

	"fyne.io/fyne/v2"

	"fengqiao/screens/golden"
)

// TestGolden checks the rating pad at 1280×800 against its markup goldens in testdata/golden:
// rating-idle, -ask, -thanks and -offline.
func TestGolden(t *testing.T) {
	var names []string
	err := shoot(func(name string, w fyne.Window) error {
		golden.Match(t, "rating-"+name, w.Canvas())
		names = append(names, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 4 {
		t.Errorf("rendered %v, want the four states", names)
	}
}
