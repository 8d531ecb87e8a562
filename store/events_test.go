package store_test

import (
	"context"
	"testing"
	"time"
)

// A subscriber that falls further behind than the live feed's buffer is not dropped: it is caught
// up from the log, without a gap or a repeat.
func TestSubscriberFallingBehindCatchesUp(t *testing.T) {
	h, _ := setup(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, _ := h.LastEventID(ctx)
	ch, err := h.Subscribe(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400 // more than the bus buffers for a subscriber
	for i := range n {
		if _, err := h.SetPaused(ctx, 1+i%3, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	for want := first + 1; want <= first+n; want++ {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("subscription closed before event %d", want)
			}
			if ev.ID != want {
				t.Fatalf("got event %d, want %d", ev.ID, want)
			}
		case <-ctx.Done():
			t.Fatalf("no event %d", want)
		}
	}
}

// TestSubscribeFromNowIsNews: a subscription from now (after 0) gets the events logged after it
// began as news, never as replayed, even when its goroutine reads them from the log (it may read
// the log only after they were written); a subscription that resumes after an id gets those as
// replayed.
func TestSubscribeFromNowIsNews(t *testing.T) {
	h, _ := setup(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.SetPaused(ctx, 1, true); err != nil { // so that there is an id to resume after
		t.Fatal(err)
	}
	for round := range 50 {
		start, _ := h.LastEventID(ctx)
		sub, stop := context.WithCancel(ctx)
		ch, err := h.Subscribe(sub, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, err := h.SetPaused(ctx, 1+i%3, (round+i)%2 == 0); err != nil {
				t.Fatal(err)
			}
		}
		for want := start + 1; want <= start+3; want++ {
			ev := <-ch
			if ev.ID != want || ev.Replayed {
				t.Fatalf("round %d: event %d (replayed %v), want %d as news", round, ev.ID, ev.Replayed, want)
			}
		}
		stop()
		resumed, err := h.Subscribe(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		if ev := <-resumed; ev.ID != start+1 || !ev.Replayed {
			t.Fatalf("round %d: resumed at event %d (replayed %v), want %d replayed", round, ev.ID, ev.Replayed, start+1)
		}
	}
}
