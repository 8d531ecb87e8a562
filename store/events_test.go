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
