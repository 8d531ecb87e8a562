package citysim_test

import (
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/citysim"
)

// TestHallEventsApplyCleanly makes a hall's events in batches of every size and checks that their
// ids continue without a gap and that the centre's projection applies every one of them, none
// refused: the bench's load is events the centre takes.
func TestHallEventsApplyCleanly(t *testing.T) {
	h := citysim.NewHall(7, 100)
	p := center.NewProjection(1)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	next := int64(101)
	kinds := map[string]int{}
	for n := range 60 {
		events := h.Events(n, at)
		if len(events) < n || len(events) > n+1 {
			t.Fatalf("Events(%d) made %d events", n, len(events))
		}
		decoded, err := center.Decode(events)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range decoded {
			if d.ID != next {
				t.Fatalf("event id %d, want %d", d.ID, next)
			}
			next++
			kinds[string(d.Kind)]++
			if outcome, reason := p.Apply(d); outcome != center.OutcomeApplied {
				t.Fatalf("event %d (%s): %s %s", d.ID, d.Kind, outcome, reason)
			}
		}
		at = at.Add(time.Minute)
	}
	if h.Last() != next-1 {
		t.Errorf("Last() = %d, want %d", h.Last(), next-1)
	}
	for _, k := range []string{"ticket.issued", "ticket.completed", "case.opened", "case.changed", "case.followup", "case.escalated"} {
		if kinds[k] == 0 {
			t.Errorf("no %s event among %v", k, kinds)
		}
	}
}
