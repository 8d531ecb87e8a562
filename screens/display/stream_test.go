package display

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/voice"
)

// streamHall is a hall whose event stream the test writes; it counts the board's queue snapshots.
type streamHall struct {
	app.Hall
	events chan app.Event

	mu        sync.Mutex
	snapshots int
}

func (h *streamHall) Subscribe(context.Context, int64) (<-chan app.Event, error) {
	return h.events, nil
}

func (h *streamHall) Queue(context.Context) (app.QueueStatus, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.snapshots++
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
