package rating

import (
	"context"
	"sync"
	"testing"

	"fengqiao/app"
	"fengqiao/hub"
)

// streamHall is a Feed whose event stream the test writes and whose queue it sets; it counts the
// pad's looks at the queue.
type streamHall struct {
	events chan app.Event

	mu      sync.Mutex
	staff   string
	err     error
	queries int
}

func (h *streamHall) Subscribe(context.Context, int64) (<-chan app.Event, error) {
	return h.events, nil
}

func (h *streamHall) Queue(context.Context) (app.QueueStatus, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queries++
	if h.err != nil {
		return app.QueueStatus{}, h.err
	}
	return app.QueueStatus{Windows: []app.WindowState{{ID: 1, Staff: "李明"}, {ID: 2, Staff: h.staff}}}, nil
}

func (h *streamHall) set(staff string, err error) {
	h.mu.Lock()
	h.staff, h.err = staff, err
	h.mu.Unlock()
}

func (h *streamHall) looks() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.queries
}

func completed(id int64, replayed bool) app.Event {
	return app.Event{Kind: app.EventCompleted, Window: 2, Replayed: replayed, Ticket: &app.Ticket{ID: id, Label: "B007"}}
}

func TestPadFollowsStream(t *testing.T) {
	hall := &streamHall{events: make(chan app.Event)}
	hall.set("王芳", nil)
	p, ui := newPad(t, &fakeConsole{}, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx, hall)
	send := func(ev app.Event) {
		t.Helper()
		for sent := false; !sent; {
			select {
			case hall.events <- ev:
				sent = true
			case f := <-ui.posted:
				f()
			}
		}
	}

	// The serving staff member, with 工号, from the window's state.
	ui.until(t, func() bool { return p.staff.Text == "工作人员 王芳 · 工号 0231" })

	// A completion replayed to catch up asks nobody; the next live one looks at the queue first
	// (another staff member signed in meanwhile) and then asks.
	send(completed(5, true))
	hall.set("李明", nil)
	before := hall.looks()
	send(completed(7, false))
	ui.wait(t, Asking)
	if hall.looks() == before || p.staff.Text != "工作人员 李明 · 工号 0232" || p.ticket.ID != 7 {
		t.Fatalf("asked without a fresh look: %d looks, staff %q, ticket %d", hall.looks()-before, p.staff.Text, p.ticket.ID)
	}

	// A reset drops the question and reloads.
	before = hall.looks()
	send(app.Event{Kind: app.EventStreamReset})
	ui.wait(t, Idle)
	ui.until(t, func() bool { return hall.looks() > before })

	// The hub goes away: the pad says so, and clears it when the hub is back.
	hall.set("李明", hub.ErrUnreachable)
	send(app.Event{Kind: app.EventStreamReset})
	ui.until(t, func() bool { return p.offline.Visible() })
	hall.set("李明", nil)
	send(app.Event{Kind: app.EventStreamReset})
	ui.until(t, func() bool { return !p.offline.Visible() })
}

// A replayed completion handed straight to Apply asks nothing either.
func TestReplayedCompletionAsksNothing(t *testing.T) {
	p, ui := newPad(t, &fakeConsole{}, Options{})
	p.Apply(completed(7, true))
	if len(ui.posted) != 0 || p.State() != Idle {
		t.Fatal("asked about a replayed completion")
	}
}
