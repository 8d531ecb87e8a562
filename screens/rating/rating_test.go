package rating

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// fakeConsole records ratings.
type fakeConsole struct {
	app.Console
	mu    sync.Mutex
	rates []app.RateRequest
	err   error
}

func (f *fakeConsole) Rate(_ context.Context, req app.RateRequest) (app.Rating, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return app.Rating{}, f.err
	}
	f.rates = append(f.rates, req)
	return app.Rating{Ticket: req.Ticket, Score: req.Score, Flagged: req.Score.Flagged()}, nil
}

func newPad(t *testing.T, con app.Console, opt Options) (*Pad, chan State) {
	test.NewTempApp(t)
	p := New(2, "2号窗口", con, opt)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(1024, 600))
	states := make(chan State, 16)
	p.OnState = func(s State) { states <- s }
	return p, states
}

func wait(t *testing.T, states chan State, want State) {
	t.Helper()
	for s := range states {
		if s == want {
			return
		}
	}
}

func TestRatePad(t *testing.T) {
	tests := []struct {
		name  string
		press int // index into the buttons
		score app.Score
	}{
		{"very satisfied", 0, app.VerySatisfied},
		{"fairly satisfied", 2, app.FairlySatisfied},
		{"very dissatisfied", 4, app.VeryDissatisfied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			con := &fakeConsole{}
			p, states := newPad(t, con, Options{ThanksFor: time.Millisecond})
			// Another window's completion is not ours.
			p.Apply(app.Event{Kind: app.EventCompleted, Window: 1, Ticket: &app.Ticket{ID: 6, Label: "A006"}})
			if p.State() != Idle {
				t.Fatal("asked for another window's ticket")
			}
			p.Apply(app.Event{Kind: app.EventCompleted, Window: 2, Ticket: &app.Ticket{ID: 7, Label: "B007"}})
			wait(t, states, Asking)
			b := p.Buttons()[tc.press]
			test.Tap(b)
			test.Tap(b) // a double press rates once
			wait(t, states, Thanks)
			wait(t, states, Idle) // back to idle by itself
			con.mu.Lock()
			defer con.mu.Unlock()
			if len(con.rates) != 1 || con.rates[0] != (app.RateRequest{Window: 2, Ticket: 7, Score: tc.score}) {
				t.Fatalf("rates = %+v", con.rates)
			}
		})
	}
}

func TestRatePadFailureKeepsButtons(t *testing.T) {
	con := &fakeConsole{err: app.Errorf(app.EUNAVAILABLE, "down")}
	p, states := newPad(t, con, Options{})
	p.Apply(app.Event{Kind: app.EventCompleted, Window: 2, Ticket: &app.Ticket{ID: 7, Label: "B007"}})
	wait(t, states, Asking)
	test.Tap(p.Buttons()[1])
	for i := 0; i < 2000 && p.message.Text == ""; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if p.State() != Asking || p.message.Text == "" || p.Buttons()[1].Disabled() {
		t.Fatalf("state %v message %q", p.State(), p.message.Text)
	}
}

// Screenshots renders the pad's screens when FENGQIAO_SHOTS names a folder.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FENGQIAO_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := Screenshots(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "rating-ask.png")); err != nil {
		t.Fatal(err)
	}
}
