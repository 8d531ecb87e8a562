package display

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/config"
	"fengqiao/screens/shottest"
	"fengqiao/screens/theme"
)

// TestScreenshots renders the board of the default hall at 1920×1080 into a temporary folder, or
// into the -screenshots folder: display-idle.png and display-call.png.
func TestScreenshots(t *testing.T) {
	shottest.Render(t, func(dir string) error { return screenshots(dir, config.Default().Info()) },
		"display-idle.png", "display-call.png")
}

// screenshots renders the board of hall info into dir.
func screenshots(dir string, info app.Info) error {
	return shoot(info, fyne.NewSize(1920, 1080), func(name string, w fyne.Window) error {
		return shottest.Save(w, filepath.Join(dir, "display-"+name+".png"))
	})
}

// shoot shows the board of hall info on a test window of the given size, waiting counts only
// ("idle") and then after six calls, two of them booked (预约) ("call"), and hands each to shot with its name. The clock is
// fixed, in the hall's time zone.
func shoot(info app.Info, size fyne.Size, shot func(name string, w fyne.Window) error) error {
	a := test.NewApp()
	a.Settings().SetTheme(theme.Kiosk())
	at := time.Date(2026, 11, 27, 9, 42, 5, 0, app.DefaultRules().Location)
	s := New(info, Options{Now: func() time.Time { return at }})
	w := test.NewWindow(s.Content())
	defer w.Close()
	w.SetPadded(false)
	w.Resize(size)
	s.model.SetQueue(app.QueueStatus{Open: true, Services: sampleQueue(info)})
	s.render()
	if err := shot("idle", w); err != nil {
		return err
	}
	calls := []struct {
		label  string
		window int
		booked bool // a booked ticket (预约), marked on the board
	}{{"B012", 2, false}, {"D004", 3, true}, {"C021", 1, false}, {"A002", 3, false}, {"B013", 2, false}, {"D005", 3, true}}
	slot := at.Truncate(30 * time.Minute)
	for i, c := range calls {
		tk := &app.Ticket{Label: c.label, Window: c.window}
		if c.booked {
			tk.Booking, tk.Slot = "YY"+c.label, &slot
		}
		s.model.Apply(app.Event{Kind: app.EventCalled, Window: c.window, At: at.Add(time.Duration(i) * time.Minute), Ticket: tk})
	}
	s.Show(*s.model.Latest)
	return shot("call", w)
}

// sampleQueue is a few visitors waiting for each service.
func sampleQueue(info app.Info) []app.ServiceQueue {
	var out []app.ServiceQueue
	for i, svc := range info.Services {
		out = append(out, app.ServiceQueue{Service: svc.Code, Name: svc.Name, Waiting: []int{5, 3, 0, 8, 2, 1}[i%6]})
	}
	return out
}
