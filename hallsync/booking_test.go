package hallsync_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center/centertest"
	"fengqiao/hallsync"
	"fengqiao/wire"
)

// fakeCentre is a stand-in for the centre's sync endpoint: it takes every push (and keeps the
// catalogues and events) and serves the changes it is given in seq order, as wire.ChangesReply.
type fakeCentre struct {
	mu         sync.Mutex
	changes    []wire.Change
	catalogues []wire.Catalogue
	events     []wire.Event
}

func (f *fakeCentre) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v1/sync/events":
		var req wire.PushRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if req.Catalogue != nil {
			f.catalogues = append(f.catalogues, *req.Catalogue)
		}
		f.events = append(f.events, req.Events...)
		var through int64
		if len(f.events) > 0 {
			through = f.events[len(f.events)-1].ID
		}
		json.NewEncoder(w).Encode(wire.PushReply{AppliedThrough: through, Applied: len(req.Events)})
	case "/api/v1/sync/changes":
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		reply := wire.ChangesReply{Changes: []wire.Change{}}
		for _, ch := range f.changes {
			if ch.Seq > after {
				reply.Changes = append(reply.Changes, ch)
			}
		}
		json.NewEncoder(w).Encode(reply)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeCentre) send(kind string, b app.Booking) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, wire.Change{Seq: int64(len(f.changes) + 1), At: time.Now(), Code: b.Code,
		Kind: kind, Booking: &b})
}

// TestBookingChanges syncs a hall with a fake centre: the catalogue carries the booking plan with
// the hall's ID key; bookings the centre sends are applied by code, once, however often they
// come; a check-in at the hall is not undone by the centre and goes back as an event.
func TestBookingChanges(t *testing.T) {
	ctx := context.Background()
	fake := &fakeCentre{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	h := centertest.NewHall(t)
	h.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2,
		PerService: map[string]int{"legal": 1}, GraceMinutes: 15})
	w, err := hallsync.New(h, hallsync.Config{BaseURL: srv.URL, Token: "site-token", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fake.catalogues) != 1 || fake.catalogues[0].Booking == nil || fake.catalogues[0].Booking.IDKey == "" ||
		fake.catalogues[0].Booking.PerService["legal"] != 1 {
		t.Fatalf("catalogues %+v, want one with the booking plan and its key", fake.catalogues)
	}

	slot := time.Now().Add(10 * time.Minute).Truncate(time.Minute)
	b := app.Booking{Code: "YY7K3M9Q", Service: "legal", Slot: slot.Add(time.Hour), Minutes: 30,
		Status: app.BookingBooked, MaskedName: "王*明", MaskedPhone: "138****0000", CreatedAt: time.Now()}
	fake.send(wire.ChangeBooking, b)
	moved := b
	moved.Slot = slot
	fake.send(wire.ChangeBooking, moved)
	fake.send(wire.ChangeBooking, moved) // the centre sends it again: nothing changes
	other := app.Booking{Code: "YYCANCEL", Service: "legal", Slot: slot, Minutes: 30, Status: app.BookingCancelled,
		MaskedName: "李*", CreatedAt: time.Now()}
	fake.send(wire.ChangeBooking, other)
	for range 2 {
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	list, err := h.TodayBookings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if app.BusinessDay(slot, app.DefaultRules().Location, 0) != app.BusinessDay(time.Now(), app.DefaultRules().Location, 0) {
		t.Skip("the slot falls on tomorrow: run again after midnight")
	}
	if len(list) != 2 || list[0].Code != "YY7K3M9Q" || !list[0].Slot.Equal(slot) || list[0].Status != app.BookingBooked ||
		list[1].Status != app.BookingCancelled {
		t.Fatalf("the hall's bookings %+v", list)
	}
	st, err := h.DB().SyncState(ctx)
	if err != nil || st.Pulled != 4 {
		t.Fatalf("pull cursor %d, %v; want 4", st.Pulled, err)
	}

	res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: "yy7k3m9q"})
	if err != nil || res.Outcome != app.CheckInBooked || res.Ticket == nil || res.Ticket.Booking != "YY7K3M9Q" {
		t.Fatalf("check-in %+v, %v", res, err)
	}
	cancelled := moved
	cancelled.Status = app.BookingCancelled
	fake.send(wire.ChangeBooking, cancelled)
	fake.send(wire.ChangeBooking, app.Booking{Code: "OTHER"}) // no service nor slot: refused, recorded, skipped
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ = h.TodayBookings(ctx); list[0].Status != app.BookingCheckedIn {
		t.Errorf("after the centre's late cancel: %+v, want it checked in", list[0])
	}
	var checkedIn int
	for _, e := range fake.events {
		if e.Kind == app.EventBookingCheckedIn {
			checkedIn++
			var ev app.Event
			if err := json.Unmarshal(e.Body, &ev); err != nil || ev.Booking == nil || ev.Booking.Code != "YY7K3M9Q" {
				t.Errorf("check-in event %s: %v", e.Body, err)
			}
		}
	}
	if checkedIn != 1 {
		t.Errorf("the centre got %d check-in events, want 1", checkedIn)
	}
}
