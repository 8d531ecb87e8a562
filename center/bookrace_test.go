package center_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestLastPlaceRace books the last place of a slot from several residents at once through two
// centre nodes (two stores and servers on one database), round after round: exactly one wins,
// the others are told the slot is full (409, in Chinese), and the slot's count is its capacity.
func TestLastPlaceRace(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			dsn := be.DSN(t)
			f := newBookingFixture(t, dsn, center.WithTrackLimit(6000, 10000))
			other, err := sqlstore.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			nodes := []string{f.srv.URL, newBookingServer(t, other, center.WithTrackLimit(6000, 10000)).URL}
			rounds := 30
			if testing.Short() {
				rounds = 5
			}
			var slots []string
			for _, day := range []int{0, 1, 3, 4, 7} {
				for _, hm := range [][2]int{{8, 30}, {9, 0}, {9, 30}, {10, 0}, {10, 30}, {11, 0}, {11, 30}, {13, 30}, {14, 0}} {
					slots = append(slots, slot(day, hm[0], hm[1]))
				}
			}
			const racers = 3
			for round := range rounds {
				path := "/book/" + strconv.FormatInt(f.siteA.ID, 10) + "/mediation"
				start := make(chan struct{})
				statuses := make([]int, racers)
				pages := make([]string, racers)
				var wg sync.WaitGroup
				for i := range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						statuses[i], pages[i] = post(nodes[i%len(nodes)]+path, bookForm(slots[round]))
					}()
				}
				close(start)
				wg.Wait()
				won := 0
				for i, st := range statuses {
					switch {
					case st == http.StatusSeeOther:
						won++
					case st != http.StatusConflict || !strings.Contains(pages[i], "该时段已约满，请选择其他时段。"):
						t.Errorf("round %d racer %d: %d %.300s", round, i, st, pages[i])
					}
				}
				if won != 1 {
					t.Fatalf("round %d: %d bookings won the last place", round, won)
				}
			}
			var over int
			if err := f.st.DB().QueryRow(`SELECT count(*) FROM booking_slots WHERE taken > 1`).Scan(&over); err != nil || over != 0 {
				t.Errorf("%d slots over capacity (%v)", over, err)
			}
			var booked int
			f.st.DB().QueryRow(`SELECT count(*) FROM bookings`).Scan(&booked)
			ch, err := f.st.Changes(context.Background(), f.siteA.ID, 0, 1000)
			if booked != rounds || err != nil || len(ch) != rounds || ch[len(ch)-1].Seq != int64(rounds) {
				t.Errorf("%d bookings, %d changes (%v); want %d of each, seq 1…%d", booked, len(ch), err, rounds, rounds)
			}
		})
	}
}

// post sends a form without following the redirect and returns the status and body.
func post(u string, form url.Values) (int, string) {
	resp, err := noFollow.PostForm(u, form)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// TestBookingReachesOfflineHall: a hall that does not pull while its bookings are made, moved
// and cancelled gets every change, in order, through the pull channel when it comes back; a
// hall's pull sees only its own site's bookings.
func TestBookingReachesOfflineHall(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newBookingFixture(t, be.DSN(t), center.WithTrackLimit(60, 100))
			first := book(t, f.srv.URL, f.siteA.ID, "legal", slot(1, 8, 30))
			second := book(t, f.srv.URL, f.siteA.ID, "mediation", slot(1, 8, 30))
			book(t, f.srv.URL, f.siteB.ID, "legal", slot(1, 8, 30))
			if st, _ := post(f.srv.URL+"/b/"+first+"/move", url.Values{"slot": {slot(3, 15, 0)}, "last4": {"5678"}}); st != 303 {
				t.Fatalf("move: %d", st)
			}
			if st, _ := post(f.srv.URL+"/b/"+second+"/cancel", url.Values{"last4": {"5678"}}); st != 303 {
				t.Fatalf("cancel: %d", st)
			}
			pull := func(after int64) []wire.Change {
				req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/sync/changes?after="+strconv.FormatInt(after, 10), nil)
				req.Header.Set("Authorization", "Bearer "+f.tokenA)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var reply wire.ChangesReply
				if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&reply) != nil {
					t.Fatalf("pull: %d", resp.StatusCode)
				}
				return reply.Changes
			}
			got := pull(0)
			var steps []string
			for i, c := range got {
				if c.Seq != int64(i+1) || c.Kind != wire.ChangeBooking || c.Booking == nil {
					t.Fatalf("change %d: %+v", i, c)
				}
				steps = append(steps, c.Code+" "+string(c.Booking.Status)+" "+c.Booking.Slot.In(bookingNow.Location()).Format("02 15:04"))
			}
			want := []string{first + " booked 02 08:30", second + " booked 02 08:30", first + " booked 04 15:00",
				second + " cancelled 02 08:30"}
			if strings.Join(steps, "|") != strings.Join(want, "|") {
				t.Errorf("the hall pulled %v, want %v", steps, want)
			}
			if len(pull(4)) != 0 {
				t.Error("changes after the last one")
			}
			// The hall's check-in and no-show events come back by push and mark the bookings.
			ticket := app.Ticket{ID: 1, Day: "2027-03-04", Label: "Y001", Service: "legal", Status: app.TicketWaiting,
				Booking: first, IssuedAt: bookingNow.AddDate(0, 0, 3)}
			body, _ := json.Marshal(app.Event{Kind: app.EventBookingCheckedIn, Ticket: &ticket})
			issued, _ := json.Marshal(app.Event{Kind: app.EventIssued, Ticket: &ticket})
			if _, err := f.st.ApplyBatch(context.Background(), f.siteA.ID, wire.PushRequest{Events: []wire.Event{
				{ID: 1, At: ticket.IssuedAt, Kind: app.EventBookingCheckedIn, Body: body},
				{ID: 2, At: ticket.IssuedAt, Kind: app.EventIssued, Body: issued}}}); err != nil {
				t.Fatal(err)
			}
			b, err := f.st.Booking(context.Background(), first)
			if err != nil || b.Status != app.BookingCheckedIn {
				t.Errorf("after check-in the booking is %+v, %v", b.Status, err)
			}
		})
	}
}
