package center

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"time"

	"fengqiao/app"
)

// bookingPast and bookingAhead are the days the bookings page covers: the last four weeks and
// the bookable week ahead.
const (
	bookingPast  = 28
	bookingAhead = 7
)

// BookingDay is one hall's bookings of one day, by how they stand.
type BookingDay struct {
	Site                                       int64
	Day                                        string // YYYY-MM-DD in the centre's zone
	Booked, CheckedIn, NoShow, Cancelled, Open int    // Booked counts all but the cancelled
}

// BookingRate is one hall's figures over the page's past days: its no-show rate among the
// bookings whose outcome is known, and the average wait (issue to call) of booked and walk-in
// tickets.
type BookingRate struct {
	Site                     int64
	CheckedIn, NoShow        int
	BookedTickets, WalkIns   int
	BookedWait, WalkInWait   time.Duration
	bookedTotal, walkInTotal time.Duration
}

// NoShowRate is the no-show rate as a percentage, "—" when no outcome is known.
func (r BookingRate) NoShowRate() string {
	if r.CheckedIn+r.NoShow == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(r.NoShow)/float64(r.CheckedIn+r.NoShow))
}

// Wait shows an average wait in minutes, "—" without tickets.
func Wait(d time.Duration, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", d.Minutes())
}

// BookingFiguresOf sums bookings per hall and day (in loc) and the per-hall rates of the
// bookings and tickets before now.
func BookingFiguresOf(bookings []BookingRecord, waits []TicketWait, loc *time.Location, now time.Time) ([]BookingDay, []BookingRate) {
	days := map[[2]any]*BookingDay{}
	rates := map[int64]*BookingRate{}
	rate := func(site int64) *BookingRate {
		if rates[site] == nil {
			rates[site] = &BookingRate{Site: site}
		}
		return rates[site]
	}
	for _, b := range bookings {
		day := b.Slot.In(loc).Format(time.DateOnly)
		k := [2]any{b.Site, day}
		if days[k] == nil {
			days[k] = &BookingDay{Site: b.Site, Day: day}
		}
		d := days[k]
		if b.Status != app.BookingCancelled {
			d.Booked++
		}
		switch b.Status {
		case app.BookingCheckedIn:
			d.CheckedIn++
		case app.BookingNoShow:
			d.NoShow++
		case app.BookingCancelled:
			d.Cancelled++
		default:
			d.Open++
		}
		if b.Slot.Before(now) {
			switch b.Status {
			case app.BookingCheckedIn:
				rate(b.Site).CheckedIn++
			case app.BookingNoShow:
				rate(b.Site).NoShow++
			}
		}
	}
	for _, w := range waits {
		r := rate(w.Site)
		if w.Booked {
			r.BookedTickets++
			r.bookedTotal += w.Wait
		} else {
			r.WalkIns++
			r.walkInTotal += w.Wait
		}
	}
	var outDays []BookingDay
	for _, d := range days {
		outDays = append(outDays, *d)
	}
	slices.SortFunc(outDays, func(a, b BookingDay) int { return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.Day, b.Day)) })
	var outRates []BookingRate
	for _, r := range rates {
		if r.BookedTickets > 0 {
			r.BookedWait = r.bookedTotal / time.Duration(r.BookedTickets)
		}
		if r.WalkIns > 0 {
			r.WalkInWait = r.walkInTotal / time.Duration(r.WalkIns)
		}
		outRates = append(outRates, *r)
	}
	slices.SortFunc(outRates, func(a, b BookingRate) int { return cmp.Compare(a.Site, b.Site) })
	return outDays, outRates
}

type bookingsPage struct {
	page
	Past, Ahead int
	Days        []BookingDay
	Rates       []BookingRate
}

// bookingsPage serves the dashboard's appointment figures for the user's scope.
func (s *Server) bookingsPage(w http.ResponseWriter, r *http.Request, v visit) {
	ctx := r.Context()
	cat, err := s.loadCatalogue(ctx)
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	now := s.now()
	today := time.Date(now.In(s.loc).Year(), now.In(s.loc).Month(), now.In(s.loc).Day(), 0, 0, 0, 0, s.loc)
	bookings, waits, err := s.bookingStore().BookingFigures(ctx, v.User.Scope(), today.AddDate(0, 0, -bookingPast),
		today.AddDate(0, 0, bookingAhead+1))
	if err != nil {
		s.pageFail(w, r, err)
		return
	}
	p := bookingsPage{page: s.page(r, v, "bookings", ""), Past: bookingPast, Ahead: bookingAhead}
	p.Days, p.Rates = BookingFiguresOf(bookings, waits, s.loc, now)
	p.sites, p.cat = cat.Sites, &cat
	s.render(w, r, http.StatusOK, "bookings", p)
}
