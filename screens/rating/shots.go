package rating

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/screens/shot"
	"fengqiao/screens/theme"
)

// Screenshots renders the pad headless (Fyne's test driver) into dir at 1280×800:
// rating-idle.png, rating-ask.png and rating-thanks.png.
func Screenshots(dir string) error {
	return shot.OffMain(func() error { return screenshots(dir) })
}

func screenshots(dir string) error {
	test.NewApp().Settings().SetTheme(theme.Kiosk())
	p := New(2, "2号窗口", nil, Options{})
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
		if err := shot.Save(w, filepath.Join(dir, "rating-"+s.name+".png")); err != nil {
			return err
		}
	}
	return nil
}
