package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
)

// feedClient is a hub client whose event stream the test writes: the console sees only the events
// the test sends, so what it shows can come only from those and from its own reloads.
type feedClient struct {
	*hub.Client
	events chan app.Event
}

func (f feedClient) Subscribe(context.Context, int64) (<-chan app.Event, error) { return f.events, nil }

// runConsole signs 王芳 in at window 1 of hl and runs the console on a stream the test feeds.
func runConsole(t *testing.T, hl *hall) (*harness, chan app.Event) {
	t.Helper()
	feed := feedClient{Client: hl.window, events: make(chan app.Event, 8)}
	h := newConsole(t, feed, 1)
	if err := h.signIn(t, "王芳", "1234"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go h.sc.Run(ctx)
	return h, feed.events
}

// within runs posted UI work until ok reports true; the test fails after d, well before the
// console's own 30-second poll could be what made it true.
func (h *harness) within(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	timeout := time.After(d)
	for !ok() {
		select {
		case f := <-h.posted:
			f()
		case <-timeout:
			t.Fatalf("%s did not happen within %v", what, d)
		}
	}
}

// A rating of this window updates 本窗口今日 on its event, not on the next poll.
func TestCountsFollowRatingEvent(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h, events := runConsole(t, hl)
	tk, err := hl.kiosk.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.key(t, "F1", ActCall); err != nil {
		t.Fatal(err)
	}
	if err := h.key(t, "F9", ActComplete); err != nil {
		t.Fatal(err)
	}
	h.within(t, 5*time.Second, "counts after completing", func() bool { return strings.Contains(h.sc.queue.stats[0].Text, "完成 1") })
	if !strings.Contains(h.sc.queue.stats[1].Text, "评价 0") {
		t.Fatalf("counts before the rating: %q", h.sc.queue.stats[1].Text)
	}
	r, err := hl.con.Rate(ctx, app.RateRequest{Window: 1, Ticket: tk.ID, Score: app.Dissatisfied})
	if err != nil {
		t.Fatal(err)
	}
	events <- app.Event{Kind: app.EventRated, Window: 1, Rating: &r}
	h.within(t, 5*time.Second, "评价 1 after the rating event", func() bool {
		return strings.Contains(h.sc.queue.stats[1].Text, "评价 1（不满意 1）")
	})
}

// After a stream reset the console reloads: a ticket called while it heard nothing shows.
func TestReloadOnStreamReset(t *testing.T) {
	hl := newHall(t)
	ctx := context.Background()
	h, events := runConsole(t, hl)
	h.within(t, 5*time.Second, "the first load", func() bool { return current(h) == "—" })
	tk, err := hl.kiosk.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hl.window.Call(ctx, 1); err != nil { // another console's call, unheard
		t.Fatal(err)
	}
	if _, err := hl.kiosk.RequestHelp(ctx, "大厅自助机"); err != nil {
		t.Fatal(err)
	}
	h.drain()
	if current(h) != "—" {
		t.Fatalf("the console knew of %s without an event", current(h))
	}
	events <- app.Event{Kind: app.EventStreamReset}
	h.within(t, 5*time.Second, "the reload after a reset", func() bool {
		return current(h) == tk.Label && h.sc.header.help.Visible()
	})
}
