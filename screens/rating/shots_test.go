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
	return shoot(func(name string, w fyne.Window) error {
		return shottest.Save(w, filepath.Join(dir, "rating-"+name+".png"))
	})
}

// shoot shows the pad of window 2 at 1280×800 waiting, asking, thanking and offline, and hands
// each to shot with its name: idle, ask, thanks and offline.
func shoot(shot func(name string, w fyne.Window) error) error {
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
		if err := shot(s.name, w); err != nil {
			return err
		}
	}
	p.show(Idle)
	p.SetOnline(false)
	return shot("offline", w)
}
