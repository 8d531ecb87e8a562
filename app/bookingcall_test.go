package app

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestPickCall(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	slot := func(min int) *time.Time { s := now.Add(time.Duration(min) * time.Minute); return &s }
	walk := Ticket{ID: 1, Label: "A001"}
	prio := Ticket{ID: 2, Label: "A002", Priority: PriorityElderly}
	open := Ticket{ID: 3, Label: "A003", Booking: "B1", Slot: slot(-5)}
	openLater := Ticket{ID: 4, Label: "A004", Booking: "B2", Slot: slot(0)}
	early := Ticket{ID: 5, Label: "A005", Booking: "B3", Slot: slot(10)}
	tests := []struct {
		name    string
		waiting []Ticket
		st      Streaks
		want    int
		wantSt  Streaks
	}{
		{"empty", nil, Streaks{}, -1, Streaks{}},
		{"only early booked: nobody yet", []Ticket{early}, Streaks{}, -1, Streaks{}},
		{"booked ahead of a walk-in", []Ticket{walk, open}, Streaks{}, 1, Streaks{Booked: 1}},
		{"walk-in's turn after a booked call", []Ticket{walk, open}, Streaks{Booked: 1}, 0, Streaks{}},
		{"booked with nobody passed is not counted", []Ticket{open}, Streaks{Booked: 1}, 0, Streaks{Booked: 1}},
		{"earliest slot first", []Ticket{openLater, open}, Streaks{}, 1, Streaks{}},
		{"early booked waits behind a walk-in", []Ticket{early, walk}, Streaks{}, 1, Streaks{}},
		{"booked call keeps the priority streak", []Ticket{walk, prio, open}, Streaks{Priority: 2}, 2, Streaks{Priority: 2, Booked: 1}},
		{"walk-ins follow PickNext", []Ticket{walk, prio, open}, Streaks{Priority: 1, Booked: 1}, 1, Streaks{Priority: 2}},
		{"priority streak full: the normal walk-in", []Ticket{walk, prio, open}, Streaks{Priority: 2, Booked: 1}, 0, Streaks{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, st := PickCall(tt.waiting, now, tt.st, 2, MaxBookedRun)
			if i != tt.want || st != tt.wantSt {
				t.Errorf("PickCall = %d, %+v; want %d, %+v", i, st, tt.want, tt.wantSt)
			}
		})
	}
}

// TestPickCallProperties drives many random days of a hall through PickCall: walk-ins (some with
// priority) and booked residents arriving early, on time or late within grace, windows calling at
// random moments; then checks the rule's promises.
func TestPickCallProperties(t *testing.T) {
	for seed := range uint64(400) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { simulateCalls(t, seed) })
	}
}

type callRecord struct {
	ticket  Ticket
	window  int
	at      time.Time
	walkIns []int64 // walk-ins waiting when the call was made
}

func simulateCalls(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 22))
	start := time.Date(2026, 12, 2, 8, 30, 0, 0, time.UTC)
	now := start
	windows := 1 + r.IntN(3)
	maxPriority := r.IntN(3)
	streaks := make([]Streaks, windows)
	var waiting []Ticket
	issued := map[int64]Ticket{}
	var calls []callRecord
	var nextID int64
	arrivals := 150 + r.IntN(100)
	for step := 0; len(waiting) > 0 || arrivals > 0; step++ {
		if step > 20000 {
			t.Fatalf("the queue never emptied: %d waiting", len(waiting))
		}
		now = now.Add(time.Duration(1+r.IntN(3)) * time.Minute)
		for n := r.IntN(3); n > 0 && arrivals > 0; n-- {
			arrivals--
			nextID++
			tk := Ticket{ID: nextID, Label: fmt.Sprintf("A%03d", nextID), ArrivedAt: now}
			switch k := r.IntN(10); {
			case k < 4: // booked: early, on time or late within 15 minutes of grace
				slot := now.Truncate(30 * time.Minute).Add(time.Duration(r.IntN(5)-1) * 30 * time.Minute)
				if now.Sub(slot) > 15*time.Minute {
					slot = slot.Add(30 * time.Minute)
				}
				tk.Booking, tk.Slot = fmt.Sprintf("B%d", nextID), &slot
			case k < 6:
				tk.Priority = PriorityElderly
			}
			waiting = append(waiting, tk)
			issued[tk.ID] = tk
		}
		if r.IntN(3) == 0 {
			continue // windows busy serving
		}
		w := r.IntN(windows)
		i, st := PickCall(waiting, now, streaks[w], maxPriority, MaxBookedRun)
		streaks[w] = st
		if i < 0 {
			continue
		}
		rec := callRecord{ticket: waiting[i], window: w, at: now}
		for _, tk := range waiting {
			if !tk.Booked() {
				rec.walkIns = append(rec.walkIns, tk.ID)
			}
		}
		calls = append(calls, rec)
		waiting = append(waiting[:i], waiting[i+1:]...)
	}
	checkCalls(t, issued, calls, windows)
}

func checkCalls(t *testing.T, issued map[int64]Ticket, calls []callRecord, windows int) {
	t.Helper()
	seen := map[int64]int{}
	for _, c := range calls {
		seen[c.ticket.ID]++
		if c.ticket.Booked() && c.at.Before(*c.ticket.Slot) {
			t.Errorf("booked %s called at %s before its slot %s", c.ticket.Label, c.at.Format("15:04"), c.ticket.Slot.Format("15:04"))
		}
	}
	for id, tk := range issued {
		if seen[id] != 1 {
			t.Errorf("%s called %d times, want once", tk.Label, seen[id])
		}
	}
	for w := range windows {
		// passed[walk-in] counts the booked calls at this window since its last walk-in call
		// that found the walk-in waiting.
		passed := map[int64]int{}
		for _, c := range calls {
			if c.window != w {
				continue
			}
			if !c.ticket.Booked() {
				clear(passed)
				continue
			}
			for _, id := range c.walkIns {
				if passed[id]++; passed[id] > MaxBookedRun {
					t.Fatalf("window %d: walk-in %s passed by %d booked calls in a row", w, issued[id].Label, passed[id])
				}
			}
		}
	}
	// The bound: at each window, while a booked ticket waits with its slot open, every walk-in call
	// is followed by a booked call, so the window calls at most one walk-in more than booked ones.
	for _, b := range calls {
		if !b.ticket.Booked() {
			continue
		}
		opened := *b.ticket.Slot
		if b.ticket.ArrivedAt.After(opened) {
			opened = b.ticket.ArrivedAt
		}
		walk, booked := make([]int, windows), make([]int, windows)
		for _, c := range calls {
			if c.at.Before(opened) || !c.at.Before(b.at) { // one call per minute at most
				continue
			}
			if c.ticket.Booked() {
				booked[c.window]++
				if c.ticket.Slot.After(*b.ticket.Slot) {
					t.Errorf("booked %s (slot %s) called before %s (slot %s, open)", c.ticket.Label,
						c.ticket.Slot.Format("15:04"), b.ticket.Label, b.ticket.Slot.Format("15:04"))
				}
			} else {
				walk[c.window]++
			}
		}
		for w := range windows {
			if walk[w] > booked[w]+1 {
				t.Errorf("booked %s waited through %d walk-in and %d booked calls at window %d", b.ticket.Label, walk[w], booked[w], w)
			}
		}
	}
}

// TestPickCallWalkInsOnly checks that without booked tickets PickCall is PickNext.
func TestPickCallWalkInsOnly(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		var q []Ticket
		for j := range r.IntN(6) {
			tk := Ticket{ID: int64(j)}
			if r.IntN(2) == 0 {
				tk.Priority = PriorityPregnant
			}
			q = append(q, tk)
		}
		streak, maxStreak := r.IntN(3), r.IntN(3)
		i, st := PickCall(q, time.Now(), Streaks{Priority: streak}, maxStreak, MaxBookedRun)
		wi, ws := PickNext(q, streak, maxStreak)
		if i != wi || st.Priority != ws || st.Booked != 0 {
			t.Fatalf("PickCall(%v) = %d, %+v; PickNext = %d, %d", q, i, st, wi, ws)
		}
	}
}
