package hallsync_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
	"fengqiao/store"
)

// TestCentreBookingEndToEnd runs a real hall and a real centre: the hall's plan reaches the
// centre with its catalogue; residents book on the centre's pages while the hall is offline;
// the hall receives the bookings when it reconnects, checks one in by its QR code and one by the
// ID card (the keyed hash computed at the centre matches the hall's), marks the third a no-show,
// and the centre learns all three outcomes from the hall's push.
func TestCentreBookingEndToEnd(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlstore.Open(ctx, be.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			token, hash := center.NewToken()
			site, err := st.AddSite(ctx, "枫源村", hash)
			if err != nil {
				t.Fatal(err)
			}
			shanghai, _ := time.LoadLocation("Asia/Shanghai")
			monday := time.Date(2027, 3, 1, 7, 0, 0, 0, shanghai)
			centre := httptest.NewServer(center.NewServer(st, quietLogger(), center.WithTrackLimit(60, 100),
				center.WithClock(func() time.Time { return monday })))
			defer centre.Close()

			hallNow := monday
			db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hall.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rules := app.DefaultRules()
			rules.Location, rules.PerIDLimit = shanghai, 0
			rules.Hours = app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5},
				Periods: []app.Period{{Start: 8*60 + 30, End: 12 * 60}, {Start: 13*60 + 30, End: 17*60 + 30}}}
			h := store.NewHall(db, app.Info{Name: "枫源村", Code: "fy", TimeZone: "Asia/Shanghai",
				Services: app.DefaultServices(), Windows: centertest.Windows}, rules, func() time.Time { return hallNow })
			h.SetBookingPlan(&app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 3,
				PerService: map[string]int{"legal": 3, "mediation": 1}, GraceMinutes: 15})
			w, err := hallsync.New(h, hallsync.Config{BaseURL: centre.URL, Token: token, Logger: quietLogger()})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Sync(ctx); err != nil {
				t.Fatal(err)
			}

			// The hall is offline now; three residents book Tuesday morning.
			tuesday := func(hh, mm int) string {
				return strconv.FormatInt(time.Date(2027, 3, 2, hh, mm, 0, 0, shanghai).Unix(), 10)
			}
			book := func(service, slot, id string) string {
				form := url.Values{"slot": {slot}, "name": {"欧阳丽华"}, "phone": {"13912345678"}, "id": {id}}
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := client.PostForm(centre.URL+"/book/"+strconv.FormatInt(site.ID, 10)+"/"+service, form)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("book %s: %d %.300s", service, resp.StatusCode, raw)
				}
				return strings.TrimPrefix(resp.Header.Get("Location"), "/b/")
			}
			byQR := book("legal", tuesday(9, 0), "")
			byCard := book("mediation", tuesday(9, 0), centertest.IDNumber(3))
			missed := book("legal", tuesday(8, 30), "")

			hallNow = time.Date(2027, 3, 2, 8, 50, 0, 0, shanghai)
			if err := w.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			today, err := h.TodayBookings(ctx)
			if err != nil || len(today) != 3 {
				t.Fatalf("the reconnected hall has %d bookings (%v), want 3", len(today), err)
			}
			res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: byQR})
			if err != nil || res.Outcome != app.CheckInBooked || res.Ticket == nil || res.Ticket.Booking != byQR {
				t.Fatalf("check-in by QR: %+v, %v", res, err)
			}
			card, err := h.CardBooking(ctx, centertest.IDNumber(3))
			if err != nil || card.Code != byCard {
				t.Fatalf("the card matched %+v, %v; want %s", card, err, byCard)
			}
			if res, err := h.CheckInBooking(ctx, app.BookingCheckIn{Code: card.Code}); err != nil || res.Outcome != app.CheckInBooked {
				t.Fatalf("check-in by card: %+v, %v", res, err)
			}
			// At 08:50 the 08:30 slot is past its 15 minutes of grace.
			if marked, err := h.MarkNoShows(ctx); err != nil || len(marked) != 1 || marked[0].Code != missed {
				t.Fatalf("no-shows %+v, %v", marked, err)
			}
			if err := w.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			for code, want := range map[string]app.BookingStatus{byQR: app.BookingCheckedIn, byCard: app.BookingCheckedIn,
				missed: app.BookingNoShow} {
				if b, err := st.Booking(ctx, code); err != nil || b.Status != want {
					t.Errorf("at the centre %s is %s (%v), want %s", code, b.Status, err, want)
				}
			}
		})
	}
}
