package console

import (
	"testing"

	"fyne.io/fyne/v2"

	"fengqiao/config"
	"fengqiao/screens/golden"
)

// TestGolden checks the console at 1366×768 against its markup goldens in testdata/golden:
// console-signin, -pin, -serving (a visitor at the window), -restored and -offline.
func TestGolden(t *testing.T) {
	var names []string
	err := shoot(config.Default().Info(), func(name string, w fyne.Window) error {
		golden.Match(t, "console-"+name, w.Canvas())
		names = append(names, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 6 {
		t.Errorf("rendered %v, want the six scenes", names)
	}
}
