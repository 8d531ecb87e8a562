package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

// hallWith returns a hall on a fresh database whose windows serve the given services.
func hallWith(t testing.TB, services map[int][]string, maxStreak int) *store.Hall {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var windows []app.Window
	for id := 1; id <= 6; id++ {
		if s, ok := services[id]; ok {
			windows = append(windows, app.Window{ID: id, Name: fmt.Sprintf("%d号窗口", id), Services: s})
		}
	}
	rules := app.DefaultRules()
	rules.MaxPriorityStreak = maxStreak
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)}
	return store.NewHall(db, app.Info{Name: "测试大厅", Services: app.DefaultServices(), Windows: windows}, rules, c.Now)
}

// The finding: window 1 serves petitions, window 3 mediation, window 2 both. Calls at windows 2
// and 3 must not reset window 1's streak, so normal A001 is called at window 1 after two priority
// tickets, not after five.
func TestPriorityStreakIsPerWindow(t *testing.T) {
	ctx := context.Background()
	h := hallWith(t, map[int][]string{1: {"petition"}, 2: {"petition", "mediation"}, 3: {"mediation"}}, 2)
	issue := func(service string, p app.Priority) {
		t.Helper()
		if _, err := h.Issue(ctx, app.IssueRequest{Service: service, Priority: p}); err != nil {
			t.Fatal(err)
		}
	}
	issue("petition", app.PriorityNone) // A001
	for range 6 {
		issue("petition", app.PriorityDisabled)
		issue("mediation", app.PriorityNone)
	}
	var at1 []string
	for range 3 {
		tk, err := h.Call(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		at1 = append(at1, tk.Label)
		for _, w := range []int{1, 3} {
			if _, err := h.Complete(ctx, w); err != nil && w == 1 {
				t.Fatal(err)
			}
		}
		if _, err := h.Call(ctx, 3); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"A002", "A003", "A001"}; !slices.Equal(at1, want) {
		t.Errorf("window 1 called %v, want %v: normal A001 waited past the streak", at1, want)
	}
}

// waitingTicket is the property test's own model of a waiting ticket.
type waitingTicket struct {
	id       int64
	service  string
	priority bool
}

// TestFairnessProperty drives random halls and checks, on the real store, that no window calls
// more than MaxPriorityStreak priority tickets in a row while a normal ticket it could call waits,
// and that otherwise priority and arrival order are kept.
func TestFairnessProperty(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	codes := []string{"petition", "legal", "hotline", "mediation"}
	priorities := []app.Priority{app.PriorityDisabled, app.PriorityPregnant, app.PriorityStaff}
	halls, steps := 3, 1000
	if testing.Short() {
		halls, steps = 2, 400
	}
	ctx := context.Background()
	for range halls {
		services := map[int][]string{}
		for id := 1; id <= 1+rng.IntN(6); id++ {
			var s []string
			for _, c := range codes {
				if rng.IntN(2) == 0 {
					s = append(s, c)
				}
			}
			if len(s) == 0 {
				s = []string{codes[rng.IntN(len(codes))]}
			}
			services[id] = s
		}
		maxStreak := 1 + rng.IntN(3)
		h := hallWith(t, services, maxStreak)
		var waiting []waitingTicket // in arrival order
		run := map[int]int{}        // priority calls in a row past a waiting normal, per window
		for step := range steps {
			if rng.IntN(100) < 55 {
				req := app.IssueRequest{Service: codes[rng.IntN(len(codes))]}
				if rng.IntN(100) < 40 {
					req.Priority = priorities[rng.IntN(len(priorities))]
				}
				tk, err := h.Issue(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				waiting = append(waiting, waitingTicket{tk.ID, tk.Service, tk.Priority != app.PriorityNone})
				continue
			}
			w := 1 + rng.IntN(len(services))
			if _, err := h.Complete(ctx, w); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				t.Fatal(err)
			}
			oldestPriority, oldestNormal := -1, -1
			for i, wt := range waiting {
				if !slices.Contains(services[w], wt.service) {
					continue
				}
				if wt.priority && oldestPriority < 0 {
					oldestPriority = i
				}
				if !wt.priority && oldestNormal < 0 {
					oldestNormal = i
				}
			}
			tk, err := h.Call(ctx, w)
			if oldestPriority < 0 && oldestNormal < 0 {
				if app.ErrorCode(err) != app.ENONE {
					t.Fatalf("seed %d step %d: window %d with nobody waiting: %v", seed, step, w, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("seed %d step %d: call at window %d: %v", seed, step, w, err)
			}
			i := slices.IndexFunc(waiting, func(wt waitingTicket) bool { return wt.id == tk.ID })
			if i != oldestPriority && i != oldestNormal {
				t.Fatalf("seed %d step %d: window %d called %s, not the oldest priority or normal ticket it serves", seed, step, w, tk.Label)
			}
			switch {
			case i == oldestPriority && oldestNormal >= 0:
				run[w]++
				if run[w] > maxStreak {
					t.Fatalf("seed %d step %d: window %d called %d priority tickets in a row while a normal one waited (max %d)",
						seed, step, w, run[w], maxStreak)
				}
			case i == oldestNormal && oldestPriority >= 0 && run[w] < maxStreak:
				t.Fatalf("seed %d step %d: window %d called normal %s before priority after only %d priority calls (max %d)",
					seed, step, w, tk.Label, run[w], maxStreak)
			default:
				run[w] = 0
			}
			waiting = slices.Delete(waiting, i, i+1)
		}
	}
}
