package rating

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/screens/shottest"
	"fengqiao/screens/theme"
)

// TestScreenshots renders the pad at 1280×800 into a temporary folder, or into the -screenshots
// folder: rating-idle.png, rating-ask.png, rating-thanks.png and rating-offline.png.
func TestScreenshots(t *testing.T) {
	shottest.Render(t, screenshots, "rating-idle.png", "rating-ask.png", "rating-thanks.png", "rating-offline.png")
}

// screenshots renders the pad into dir.
func screenshots(dir string) error {
	test.NewApp().Settings().SetTheme(theme.Kiosk())
	p := New(2, config.Default().Info(), nil, Options{})
	p.SetStaff("王芳")
	w := test.NewWindow(p.Content())
	defer w.Close()
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1280, 800))
	p.ticket = app.Ticket{ID: 1, Label: "A003"}
	for _, s := range []struct {
		state State
		name  string
	}{{Idle, "idle"}, {Asking, "ask"}, {Thanks, "thanks"}} {
		p.show(s.state)
		if err := shottest.Save(w, filepath.Join(dir, "rating-"+s.name+".png")); err != nil {
			return err
		}
	}
	p.show(Idle)
	p.SetOnline(false)
	return shottest.Save(w, filepath.Join(dir, "rating-offline.png"))
}
