package rating

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
)

// fakeConsole is a Rater that records ratings.
type fakeConsole struct {
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

func testInfo() app.Info {
	return app.Info{Windows: []app.Window{{ID: 1, Name: "1号窗口"}, {ID: 2, Name: "2号窗口"}},
		Staff: []app.StaffMember{{Name: "王芳", ID: "0231"}, {Name: "李明", ID: "0232"}}}
}

// uiThread stands in for Fyne's UI thread in tests: the pad posts its UI work here, and the
// test's goroutine runs it, so widgets are only ever touched from one goroutine.
type uiThread struct {
	posted chan func()
	states chan State
}

func (u *uiThread) post(f func()) { u.posted <- f }

// until runs posted UI work until done reports true; the test fails after 10 s.
func (u *uiThread) until(t *testing.T, done func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !done() {
		select {
		case f := <-u.posted:
			f()
		case <-timeout:
			t.Fatal("the pad did not get there within 10 s")
		}
	}
}

// wait runs posted UI work until the pad reaches state want.
func (u *uiThread) wait(t *testing.T, want State) {
	t.Helper()
	reached := false
	u.until(t, func() bool {
		for !reached {
			select {
			case s := <-u.states:
				reached = s == want
			default:
				return false
			}
		}
		return true
	})
}

func newPad(t *testing.T, con Rater, opt Options) (*Pad, *uiThread) {
	test.NewTempApp(t)
	u := &uiThread{posted: make(chan func(), 64), states: make(chan State, 16)}
	opt.Post = u.post
	p := New(2, testInfo(), con, opt)
	w := test.NewTempWindow(t, p.Content())
	w.Resize(fyne.NewSize(1024, 600))
	p.OnState = func(s State) { u.states <- s }
	return p, u
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
			p, ui := newPad(t, con, Options{ThanksFor: time.Millisecond})
			// Another window's completion is not ours.
			p.Apply(app.Event{Kind: app.EventCompleted, Window: 1, Ticket: &app.Ticket{ID: 6, Label: "A006"}})
			if len(ui.posted) != 0 || p.State() != Idle {
				t.Fatal("asked for another window's ticket")
			}
			p.Apply(app.Event{Kind: app.EventCompleted, Window: 2, Ticket: &app.Ticket{ID: 7, Label: "B007"}})
			ui.wait(t, Asking)
			b := p.buttons[tc.press]
			test.Tap(b)
			test.Tap(b) // a double press rates once
			ui.wait(t, Thanks)
			ui.wait(t, Idle) // back to idle by itself
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
	p, ui := newPad(t, con, Options{})
	p.Apply(app.Event{Kind: app.EventCompleted, Window: 2, Ticket: &app.Ticket{ID: 7, Label: "B007"}})
	ui.wait(t, Asking)
	test.Tap(p.buttons[1])
	ui.until(t, func() bool { return p.message.Text != "" })
	if p.State() != Asking || p.message.Text == "" || p.buttons[1].Disabled() {
		t.Fatalf("state %v message %q", p.State(), p.message.Text)
	}
}
