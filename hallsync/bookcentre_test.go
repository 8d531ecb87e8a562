package hallsync_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
	"fengqiao/store"
)

// TestBookingEndToEnd runs a booking through a real centre and a real hall: the hall's sync
// sends its plan and ID key in its catalogue; a resident books on the centre's public page,
// giving their ID number; the hall pulls the booking, finds it by the resident's card (the keyed
// hash the centre made with the hall's key) and checks them in; the check-in goes back by push and
// the centre marks the booking checked in. A second booking, never checked in, becomes a no-show
// at the hall and at the centre.
func TestBookingEndToEnd(t *testing.T) {
	ctx := context.Background()
	loc := app.DefaultRules().Location
	var mu sync.Mutex
	now := time.Date(2027, 3, 1, 7, 0, 0, 0, loc) // a Monday morning
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	set := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }

	st, err := sqlstore.Open(ctx, centertest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	token, hash := center.NewToken()
	site, err := st.AddSite(ctx, "枫桥镇", hash)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(center.NewServer(st, quietLogger(), center.WithClock(clock)))
	defer srv.Close()

	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules := app.DefaultRules()
	rules.Hours = app.Hours{Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}}
	for _, p := range []string{"08:30-12:00", "13:30-17:30"} {
		period, err := app.ParsePeriod(p)
		if err != nil {
			t.Fatal(err)
		}
		rules.Hours.Periods = append(rules.Hours.Periods, period)
	}
	hall := store.NewHall(db, app.Info{Name: "枫桥镇", Code: "test", TimeZone: "Asia/Shanghai",
		Services: app.DefaultServices(), Windows: centertest.Windows}, rules, clock)
	hall.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2,
		PerService: map[string]int{"legal": 1, "mediation": 1}, GraceMinutes: 15})
	w, err := hallsync.New(hall, hallsync.Config{BaseURL: srv.URL, Token: token, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(ctx); err != nil { // the catalogue with the plan and the key
		t.Fatal(err)
	}

	id := centertest.IDNumber(7)
	slot := time.Date(2027, 3, 2, 9, 0, 0, 0, loc)
	card := bookOnCentre(t, srv.URL, site.ID, "legal", slot, id)
	missed := bookOnCentre(t, srv.URL, site.ID, "mediation", slot, "")
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	set(slot.Add(-10 * time.Minute))
	b, err := hall.CardBooking(ctx, id)
	if err != nil || b.Code != card {
		t.Fatalf("the hall found %+v (%v) for the card, want %s", b, err, card)
	}
	res, err := hall.CheckInBooking(ctx, app.BookingCheckIn{Code: b.Code,
		Visitor: &app.Visitor{IDNumber: id, Name: "测试", FromCard: true}, Source: app.SourceCard})
	if err != nil || res.Outcome != app.CheckInBooked || res.Ticket == nil || !res.Ticket.Booked() {
		t.Fatalf("check-in: %+v, %v", res, err)
	}
	set(slot.Add(20 * time.Minute))
	if marked, err := hall.MarkNoShows(ctx); err != nil || len(marked) != 1 || marked[0].Code != missed {
		t.Fatalf("no-shows %+v, %v; want %s", marked, err, missed)
	}
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]app.BookingStatus{card: app.BookingCheckedIn, missed: app.BookingNoShow} {
		got, err := st.Booking(ctx, code)
		if err != nil || got.Status != want {
			t.Errorf("the centre holds booking %s as %q (%v), want %q", code, got.Status, err, want)
		}
	}
}

// bookOnCentre books a slot on the centre's public page as a resident would and returns the code.
func bookOnCentre(t *testing.T, base string, site int64, service string, slot time.Time, id string) string {
	t.Helper()
	form := url.Values{"slot": {strconv.FormatInt(slot.Unix(), 10)}, "name": {"欧阳娜华"}, "phone": {"13800005678"}}
	if id != "" {
		form.Set("id", id)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(base+"/book/"+strconv.FormatInt(site, 10)+"/"+service, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/b/") {
		t.Fatalf("book %s: %d %s", service, resp.StatusCode, loc)
	}
	return strings.TrimPrefix(loc, "/b/")
}
