package center_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/wire"
)

// TestBookingDashboard: the bookings per hall and day, the no-show rate and the waits of booked
// and walk-in tickets, from bookings made on the pages and the tickets and outcomes a hall
// pushes; a user scoped to a site sees only that site.
func TestBookingDashboard(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newBookingFixture(t, be.DSN(t), center.WithTrackLimit(60, 100))
			ctx := context.Background()
			came := book(t, f.srv.URL, f.siteA.ID, "legal", slot(0, 8, 30))
			missed := book(t, f.srv.URL, f.siteA.ID, "legal", slot(0, 9, 0))
			book(t, f.srv.URL, f.siteA.ID, "mediation", slot(1, 9, 0))
			book(t, f.srv.URL, f.siteB.ID, "legal", slot(0, 9, 0))

			at := time.Date(2027, 3, 1, 8, 25, 0, 0, bookingNow.Location())
			called := func(m int) *time.Time { c := at.Add(time.Duration(m) * time.Minute); return &c }
			tickets := []app.Ticket{
				{ID: 1, Day: "2027-03-01", Label: "Y001", Service: "legal", Status: app.TicketCalled, Booking: came, IssuedAt: at, CalledAt: called(4)},
				{ID: 2, Day: "2027-03-01", Label: "A001", Service: "legal", Status: app.TicketCalled, IssuedAt: at, CalledAt: called(20)},
				{ID: 3, Day: "2027-03-01", Label: "A002", Service: "legal", Status: app.TicketCalled, IssuedAt: at, CalledAt: called(30)},
			}
			var evs []wire.Event
			add := func(kind app.EventKind, tk app.Ticket) {
				body, _ := json.Marshal(app.Event{Kind: kind, Ticket: &tk})
				evs = append(evs, wire.Event{ID: int64(len(evs) + 1), At: at, Kind: kind, Body: body})
			}
			add(app.EventBookingCheckedIn, app.Ticket{ID: 1, Booking: came})
			for _, tk := range tickets {
				add(app.EventCalled, tk)
			}
			// The hall names a no-show's booking in the body's booking (its masked app.Booking).
			evs = append(evs, wire.Event{ID: int64(len(evs) + 1), At: at, Kind: app.EventBookingNoShow,
				Body: json.RawMessage(`{"kind":"booking.no_show","booking":{"code":"` + missed + `","status":"no_show"}}`)})
			if _, err := f.st.ApplyBatch(ctx, f.siteA.ID, wire.PushRequest{Events: evs}); err != nil {
				t.Fatal(err)
			}
			if b, _ := f.st.Booking(ctx, missed); b.Status != app.BookingNoShow {
				t.Errorf("the missed booking is %s", b.Status)
			}

			later := bookingNow.Add(48 * time.Hour)
			srv := newBookingServer(t, f.st, center.WithClock(func() time.Time { return later }))
			for _, u := range []struct {
				name string
				site int64
			}{{"leader", 0}, {"villageB", f.siteB.ID}} {
				_, th := center.NewToken()
				if err := f.st.AddUser(ctx, u.name, th, time.Time{}); err != nil {
					t.Fatal(err)
				}
				if err := f.st.SetUserAccess(ctx, u.name, center.RoleLeader, u.site); err != nil {
					t.Fatal(err)
				}
			}
			page := func(user string) string {
				t.Helper()
				cookie, err := center.NewSession(ctx, f.st, user, later)
				if err != nil {
					t.Fatal(err)
				}
				req, _ := http.NewRequest("GET", srv.URL+"/dashboard/bookings", nil)
				req.AddCookie(&http.Cookie{Name: "fq_session", Value: cookie})
				resp, err := noFollow.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("dashboard as %s: %v %v", user, resp.StatusCode, err)
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				return strings.Join(strings.Fields(string(raw)), "")
			}
			all := page("leader")
			for _, want := range []string{
				// 枫桥镇: one checked in, one no-show (50%); booked wait 4 min, walk-ins 25 min on average.
				`<td>枫桥镇</td><tdclass="num">1</td><tdclass="num">1</td><tdclass="num">50.0%</td><tdclass="num">1</td><tdclass="num">4.0</td><tdclass="num">2</td><tdclass="num">25.0</td>`,
				`<td>枫桥镇</td><td>2027-03-01</td><tdclass="num">2</td><tdclass="num">1</td><tdclass="num">1</td><tdclass="num">0</td><tdclass="num">0</td>`,
				`<td>枫桥镇</td><td>2027-03-02</td><tdclass="num">1</td><tdclass="num">0</td><tdclass="num">0</td><tdclass="num">1</td>`,
				`<td>栎桥村</td><td>2027-03-01</td><tdclass="num">1</td>`,
			} {
				if !strings.Contains(all, want) {
					t.Errorf("the leader's page lacks %s", want)
				}
			}
			scoped := page("villageB")
			if strings.Contains(scoped, "枫桥镇</td>") || !strings.Contains(scoped, "<td>栎桥村</td><td>2027-03-01</td>") {
				t.Errorf("the scoped page shows other sites or lacks its own: %s", scoped)
			}
		})
	}
}
