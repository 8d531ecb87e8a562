package store_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

// bookingAt returns a booking of the petition service whose slot starts at the given time today.
func bookingAt(code string, slot time.Time, idHash string) app.Booking {
	return app.Booking{Code: code, Service: "petition", Slot: slot, Minutes: 30, Status: app.BookingBooked,
		MaskedName: "张三丰", MaskedPhone: "13800005678", IDHash: idHash, CreatedAt: slot.Add(-48 * time.Hour)}
}

func bookingHall(t *testing.T) (*store.Hall, *clock, []byte) {
	t.Helper()
	h, c := setup(t, nil)
	h.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 4,
		PerService: map[string]int{"petition": 2}, GraceMinutes: 15})
	p, err := h.BookingPlan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	key, err := base64.StdEncoding.DecodeString(p.IDKey)
	if err != nil || len(key) != 32 {
		t.Fatalf("ID key %q: %v", p.IDKey, err)
	}
	return h, c, key
}

func TestApplyBookingIdempotent(t *testing.T) {
	h, c, _ := bookingHall(t)
	ctx := context.Background()
	slot := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	b := bookingAt("yy-7k3m9q", slot, "")
	for range 2 {
		got, err := h.ApplyBooking(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "YY7K3M9Q" || got.MaskedName != "张*丰" || got.MaskedPhone != "138****5678" || !got.Slot.Equal(slot) {
			t.Fatalf("applied %+v", got)
		}
	}
	moved := b
	moved.Slot = slot.Add(time.Hour)
	if _, err := h.ApplyBooking(ctx, moved); err != nil {
		t.Fatal(err)
	}
	list, err := h.TodayBookings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].Slot.Equal(slot.Add(time.Hour)) {
		t.Fatalf("today's bookings %+v, want the one booking moved to 11:00", list)
	}
	// Checked in, the hall's status stands against a late change from the centre.
	c.Set(slot.Add(30 * time.Minute))
	res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: b.Code})
	if err != nil || res.Outcome != app.CheckInBooked {
		t.Fatalf("check-in: %+v, %v", res, err)
	}
	cancelled := moved
	cancelled.Status = app.BookingCancelled
	got, err := h.ApplyBooking(ctx, cancelled)
	if err != nil || got.Status != app.BookingCheckedIn {
		t.Fatalf("cancel after check-in: %+v, %v; want it to stay checked in", got, err)
	}
	for _, bad := range []app.Booking{
		{Code: "X1", Service: "nope", Slot: slot, Minutes: 30, Status: app.BookingBooked},
		{Code: "X2", Service: "petition", Slot: slot, Minutes: 30, Status: app.BookingNoShow},
		{Code: "坏码", Service: "petition", Slot: slot, Minutes: 30, Status: app.BookingBooked},
	} {
		if _, err := h.ApplyBooking(ctx, bad); code(err) != app.EINVALID {
			t.Errorf("ApplyBooking(%+v) = %v, want invalid", bad, err)
		}
	}
}

func TestCheckInOutcomes(t *testing.T) {
	h, c, _ := bookingHall(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)
	apply := func(b app.Booking) {
		t.Helper()
		if _, err := h.ApplyBooking(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	apply(bookingAt("EARLY", now.Add(90*time.Minute), ""))
	apply(bookingAt("SOON", now.Add(30*time.Minute), ""))
	apply(bookingAt("LATE", now.Add(-20*time.Minute), ""))
	apply(bookingAt("TOMORROW", now.Add(24*time.Hour), ""))
	gone := bookingAt("GONE", now, "")
	gone.Status = app.BookingCancelled
	apply(gone)
	tests := []struct {
		code    string
		want    app.CheckInOutcome
		booked  bool // a booked ticket
		walkIn  bool // a walk-in ticket
		wantErr string
	}{
		{code: "EARLY", want: app.CheckInEarly},
		{code: "TOMORROW", want: app.CheckInNotToday},
		{code: "GONE", want: app.CheckInCancelled},
		{code: "SOON", want: app.CheckInBooked, booked: true},
		{code: "SOON", want: app.CheckInUsed},
		{code: "LATE", want: app.CheckInLate, walkIn: true},
		{code: "NOPE", wantErr: app.ENOTFOUND},
		{code: "https://example.com/x", wantErr: app.ENOTFOUND},
	}
	for _, tt := range tests {
		c.Set(now)
		res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: tt.code})
		if code(err) != tt.wantErr {
			t.Fatalf("%s: err %v, want %q", tt.code, err, tt.wantErr)
		}
		if err != nil {
			continue
		}
		if res.Outcome != tt.want || (res.Ticket != nil) != (tt.booked || tt.walkIn) {
			t.Fatalf("%s: %+v, want %s", tt.code, res, tt.want)
		}
		if res.Booking.IDHash != "" {
			t.Errorf("%s: the result carries the ID hash", tt.code)
		}
		if tt.booked && (res.Ticket.Booking != "SOON" || !res.Ticket.Slot.Equal(now.Add(30*time.Minute))) {
			t.Errorf("booked ticket %+v", res.Ticket)
		}
		if tt.walkIn && res.Ticket.Booked() {
			t.Errorf("a late arrival got a booked ticket %+v", res.Ticket)
		}
	}
	// The early booked ticket is not called before its slot; the walk-in is.
	c.Set(now.Add(time.Minute))
	tk, err := h.Call(ctx, 1)
	if err != nil || tk.Booked() {
		t.Fatalf("first call %+v, %v; want the late (walk-in) ticket", tk, err)
	}
	if _, err := h.Complete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Call(ctx, 1); code(err) != app.ENONE {
		t.Fatalf("call before the slot: %v, want nobody", err)
	}
	c.Set(now.Add(30 * time.Minute))
	if tk, err := h.Call(ctx, 1); err != nil || tk.Booking != "SOON" {
		t.Fatalf("call at the slot: %+v, %v", tk, err)
	}
}

func TestBookedAheadOfWalkIns(t *testing.T) {
	h, c, _ := bookingHall(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)
	for _, code := range []string{"B1", "B2"} {
		if _, err := h.ApplyBooking(ctx, bookingAt(code, now, "")); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for _, svc := range []string{"petition", "legal"} {
		tk, err := h.Issue(ctx, app.IssueRequest{Service: svc})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, tk.Label)
	}
	for _, code := range []string{"B1", "B2"} {
		res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: code})
		if err != nil || res.Ticket == nil {
			t.Fatalf("check-in %s: %+v, %v", code, res, err)
		}
		want = append(want, res.Ticket.Label)
	}
	// Booked first, then a walk-in, alternating while both wait: B1, walk-in 1, B2, walk-in 2.
	order := []string{want[2], want[0], want[3], want[1]}
	for i, label := range order {
		c.Set(now.Add(time.Duration(i+1) * time.Minute))
		tk, err := h.Call(ctx, 1)
		if err != nil || tk.Label != label {
			t.Fatalf("call %d: %s, %v; want %s (order %v)", i+1, tk.Label, err, label, order)
		}
		if _, err := h.Complete(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCardBookingAndNoShows(t *testing.T) {
	h, c, key := bookingHall(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)
	id := idNumber("19500101", "123")
	if _, err := h.ApplyBooking(ctx, bookingAt("CARD1", now.Add(10*time.Minute), app.IDHash(key, id))); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ApplyBooking(ctx, bookingAt("MISS1", now.Add(-10*time.Minute), "")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.CardBooking(ctx, idNumber("19800101", "123")); code(err) != app.ENOTFOUND {
		t.Fatalf("another card: %v, want not found", err)
	}
	b, err := h.CardBooking(ctx, id)
	if err != nil || b.Code != "CARD1" || b.IDHash != "" {
		t.Fatalf("card booking %+v, %v", b, err)
	}
	after, err := h.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	marked, err := h.MarkNoShows(ctx)
	if err != nil || len(marked) != 0 {
		t.Fatalf("no-shows within grace: %+v, %v", marked, err)
	}
	c.Set(now.Add(6 * time.Minute)) // MISS1's slot + 16 minutes
	if marked, err = h.MarkNoShows(ctx); err != nil || len(marked) != 1 || marked[0].Code != "MISS1" {
		t.Fatalf("no-shows: %+v, %v", marked, err)
	}
	if marked, err = h.MarkNoShows(ctx); err != nil || len(marked) != 0 {
		t.Fatalf("no-shows again: %+v, %v", marked, err)
	}
	res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: b.Code,
		Visitor: &app.Visitor{IDNumber: id, Name: "张三丰", FromCard: true}, Source: app.SourceCard})
	if err != nil || res.Outcome != app.CheckInBooked || res.Ticket.Priority != app.PriorityElderly {
		t.Fatalf("card check-in %+v, %v", res, err)
	}
	// The events for the centre: a no-show and a check-in, masked, without the ID hash.
	rows, err := h.DB().Outbox(ctx, after, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []app.EventKind
	for _, r := range rows {
		kinds = append(kinds, r.Kind)
		if r.Kind == app.EventBookingNoShow || r.Kind == app.EventBookingCheckedIn {
			if string(r.Body) == "" || containsAny(string(r.Body), "id_hash", id, "张三丰") {
				t.Errorf("%s body %s", r.Kind, r.Body)
			}
		}
	}
	want := []app.EventKind{app.EventBookingNoShow, app.EventBookingCheckedIn, app.EventCaseOpened, app.EventIssued}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("events %v, want %v", kinds, want)
		}
	}
	if _, err := h.CardBooking(ctx, id); code(err) != app.ENOTFOUND {
		t.Errorf("a checked-in booking is matched again: %v", err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
