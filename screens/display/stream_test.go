package display

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/voice"
)

// streamHall is a Feed whose event stream the test writes; it counts the board's queue snapshots.
type streamHall struct {
	events chan app.Event

	mu        sync.Mutex
	snapshots int
	err       error // what Queue returns while set
}

func (h *streamHall) fail(err error) {
	h.mu.Lock()
	h.err = err
	h.mu.Unlock()
}

func (h *streamHall) Subscribe(context.Context, int64) (<-chan app.Event, error) {
	return h.events, nil
}

func (h *streamHall) Queue(context.Context) (app.QueueStatus, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.snapshots++
	if h.err != nil {
		return app.QueueStatus{}, h.err
	}
	return app.QueueStatus{Open: true, Services: []app.ServiceQueue{{Service: "petition", Waiting: h.snapshots}}}, nil
}

func (h *streamHall) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snapshots
}

// silent is a speaker that says nothing; the test reads the voice queue's backlog instead.
type silent struct{}

func (silent) Speak(context.Context, string) error { return nil }

// A call replayed to catch up is listed but neither highlighted nor spoken; a live call is both;
// a stream reset takes a fresh snapshot of the queue.
func TestReplayedCallIsNotAnnounced(t *testing.T) {
	test.NewTempApp(t)
	hall := &streamHall{events: make(chan app.Event)}
	q := voice.NewQueue(silent{}, 1) // not run: what it was told to say stays pending
	s := New(testInfo(), Options{Voice: q})
	test.NewTempWindow(t, s.Content())
	var shown []Call
	s.OnShown = func(c Call) { shown = append(shown, c) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, hall)

	replayed := called(app.EventCalled, "A001", 1, "petition")
	replayed.Replayed = true
	hall.events <- replayed
	live := called(app.EventCalled, "B002", 2, "legal")
	hall.events <- live
	before := hall.count()
	hall.events <- app.Event{Kind: app.EventStreamReset}
	hall.events <- app.Event{Kind: app.EventHelp} // taken once the reset was handled; no snapshot of its own
	if hall.count() <= before {
		t.Fatal("no snapshot after the reset")
	}

	if len(s.Model().History) != 2 || s.Model().History[1].Label != "A001" {
		t.Fatalf("history %+v, want the replayed call listed", s.Model().History)
	}
	if len(shown) != 1 || shown[0].Label != "B002" {
		t.Fatalf("announced %+v, want only B002", shown)
	}
	if q.Pending() != 1 {
		t.Fatalf("%d calls to speak, want 1", q.Pending())
	}
}

// ui runs the board's posted functions on the test's goroutine, as the driver runs them on its
// one UI thread.
type ui chan func()

func (u ui) post(f func()) { u <- f }

// until runs posted functions until ok reports true.
func (u ui) until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !ok() {
		select {
		case f := <-u:
			f()
		case <-deadline:
			t.Fatalf("%s did not happen", what)
		}
	}
}

// send hands ev to the board's loop, running posted functions meanwhile.
func (u ui) send(hall *streamHall, ev app.Event) {
	for {
		select {
		case hall.events <- ev:
			return
		case f := <-u:
			f()
		}
	}
}

// The board says when the hub cannot be reached and clears the notice once it answers; a ticket
// leaving the queue another way than a call takes a fresh snapshot, and every change reaches the
// widgets through Options.Post.
func TestBoardOfflineAndSnapshots(t *testing.T) {
	test.NewTempApp(t)
	hall := &streamHall{events: make(chan app.Event)}
	hall.fail(errors.New("hub unreachable"))
	u := make(ui, 64)
	s := New(testInfo(), Options{Post: u.post})
	test.NewTempWindow(t, s.Content())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, hall)

	u.until(t, "the offline notice", s.status.Visible)
	hall.fail(nil)
	u.send(hall, called(app.EventCalled, "B002", 2, "legal"))
	u.until(t, "the call on the board", func() bool { return s.Number() == "请 B002 号" })
	if hall.count() != 1 {
		t.Fatalf("%d snapshots after a call, want only the first", hall.count())
	}
	done := called(app.EventCompleted, "B002", 2, "legal")
	u.send(hall, done)
	u.until(t, "a snapshot after the completion", func() bool { return hall.count() == 2 && !s.status.Visible() })
	u.until(t, "the waiting count of that snapshot", func() bool { return s.waitCounts[0].Text == "等候 2 人" })
}
