package center

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"fengqiao/app"
)

// BookingRecord is a booking as the centre keeps it: the hall's view (app.Booking) with its site
// and the resident's full mobile number, which only the owner check and the reminder hook read.
type BookingRecord struct {
	app.Booking
	Site       int64
	Phone      string
	RemindedAt *time.Time
}

// SlotKey names a slot's place count: a slot's start and a service, "" for the slot as a whole.
type SlotKey struct {
	Slot    int64 // unix seconds
	Service string
}

// BookingStore keeps the appointments residents make (docs/centre.md "Appointments"). The store
// owns slot capacity: Book and MoveBooking take a place only while the slot and the service have
// one left (app.ECONFLICT otherwise), atomically even across centre nodes, and every write queues
// a wire.ChangeBooking for the booking's site in the same transaction.
type BookingStore interface {
	// SlotsTaken returns the places taken in the site's slots starting in [from, to).
	SlotsTaken(ctx context.Context, site int64, from, to time.Time) (map[SlotKey]int, error)
	// Book stores a new booking (b.Code set) if its slot has a place under plan.
	Book(ctx context.Context, site int64, b app.Booking, phone string, plan app.BookingPlan) error
	// Booking returns a booking by code, or an ENOTFOUND error.
	Booking(ctx context.Context, code string) (BookingRecord, error)
	// MoveBooking moves a booked booking to another slot with a place under plan.
	MoveBooking(ctx context.Context, code string, slot time.Time, plan app.BookingPlan) (BookingRecord, error)
	// CancelBooking cancels a booked booking and gives its place back.
	CancelBooking(ctx context.Context, code string) (BookingRecord, error)
	// DueReminders returns the booked bookings of slots starting in [from, to) not yet reminded.
	DueReminders(ctx context.Context, from, to time.Time) ([]BookingRecord, error)
	// MarkReminded records that a booking's reminder went out; false if it had been already.
	MarkReminded(ctx context.Context, code string, at time.Time) (bool, error)
	// ReleaseReminder undoes MarkReminded after a reminder failed to go out.
	ReleaseReminder(ctx context.Context, code string) error
	// BookingFigures returns the bookings of the scope's sites with slots in [from, to), and the
	// waiting times of the tickets issued in that time, booked and walk-in.
	BookingFigures(ctx context.Context, scope Scope, from, to time.Time) ([]BookingRecord, []TicketWait, error)
}

// TicketWait is one served ticket's wait: from issue to call, and whether it was booked.
type TicketWait struct {
	Site   int64
	Booked bool
	Wait   time.Duration
}

// bookingAlphabet has no 0/O, 1/I/L: a resident reads the code off a phone to a clerk.
const bookingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// bookingCodeLen is the random part of a booking code, after its "Y" (预约).
const bookingCodeLen = 8

// NewBookingCode returns a random booking code: Y and eight symbols (31⁸ ≈ 8.5·10¹¹ codes).
func NewBookingCode() string {
	b := make([]byte, bookingCodeLen)
	var r [bookingCodeLen]byte
	for i := range b {
		for {
			if _, err := rand.Read(r[:1]); err != nil {
				panic("crypto/rand failed: " + err.Error())
			}
			if int(r[0]) < 248 { // 248 = 8·31: uniform
				break
			}
		}
		b[i] = bookingAlphabet[int(r[0])%len(bookingAlphabet)]
	}
	return "Y" + string(b)
}

// ParseBookingCode reads a booking code as typed or scanned — any case, with hyphens or spaces,
// or a booking URL ending in /b/<code> — and returns its canonical form.
func ParseBookingCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/b/"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if len(s) != 1+bookingCodeLen || s[0] != 'Y' {
		return "", app.Errorf(app.EINVALID, "not a booking code")
	}
	for i := 1; i < len(s); i++ {
		if !strings.ContainsRune(bookingAlphabet, rune(s[i])) {
			return "", app.Errorf(app.EINVALID, "not a booking code")
		}
	}
	return s, nil
}

// FormatBookingCode groups a code for reading: Y-K7M3-Q9P2.
func FormatBookingCode(code string) string {
	if len(code) != 1+bookingCodeLen {
		return code
	}
	return code[:1] + "-" + code[1:5] + "-" + code[5:]
}

// Bookable is a site's booking plan with what the plan needs from its catalogue.
type Bookable struct {
	Site     Site
	Plan     app.BookingPlan
	Hours    app.Hours
	Loc      *time.Location
	Services []app.Service // the bookable ones, in catalogue order
}

// SiteBookable returns what a site offers for booking, and false when it takes no bookings: no
// catalogue, no plan, no opening periods or no bookable service.
func SiteBookable(st Site) (Bookable, bool) {
	c := st.Catalogue
	if c == nil || c.Booking == nil || c.Booking.SlotMinutes <= 0 || c.Booking.PerSlot <= 0 || c.Booking.DaysAhead <= 0 {
		return Bookable{}, false
	}
	b := Bookable{Site: st, Plan: *c.Booking}
	b.Hours, b.Loc = c.OpeningHours()
	for _, svc := range c.Services {
		if b.Plan.PerService[svc.Code] > 0 {
			b.Services = append(b.Services, svc)
		}
	}
	return b, len(b.Hours.Periods) > 0 && len(b.Services) > 0
}

// Service returns a bookable service by code.
func (b Bookable) Service(code string) (app.Service, bool) {
	i := slices.IndexFunc(b.Services, func(s app.Service) bool { return s.Code == code })
	if i < 0 {
		return app.Service{}, false
	}
	return b.Services[i], true
}

// Days returns the days a resident may book from now: today up to DaysAhead days on, open on
// the catalogue's weekdays and not among its closed dates, each at midnight in the hall's zone.
func (b Bookable) Days(now time.Time) []time.Time {
	now = now.In(b.Loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, b.Loc)
	var out []time.Time
	for i := 0; i <= b.Plan.DaysAhead; i++ {
		d := today.AddDate(0, 0, i)
		if b.Open(d) {
			out = append(out, d)
		}
	}
	return out
}

// Open reports whether the hall is open on the day (by its weekdays and closed dates).
func (b Bookable) Open(day time.Time) bool {
	if len(b.Hours.Weekdays) > 0 && !slices.Contains(b.Hours.Weekdays, day.Weekday()) {
		return false
	}
	return !slices.Contains(b.Plan.ClosedDates, day.Format(time.DateOnly))
}

// Slots returns the starts of a day's slots that begin after now: each opening period cut into
// slots of SlotMinutes that end within it.
func (b Bookable) Slots(day, now time.Time) []time.Time {
	day = day.In(b.Loc)
	midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, b.Loc)
	var out []time.Time
	for _, p := range b.Hours.Periods {
		for m := p.Start; m+b.Plan.SlotMinutes <= p.End; m += b.Plan.SlotMinutes {
			t := midnight.Add(time.Duration(m) * time.Minute)
			if t.After(now) {
				out = append(out, t)
			}
		}
	}
	return out
}

// ValidSlot reports whether a slot start is one the resident may take now: a slot of an open
// day within DaysAhead that has not begun.
func (b Bookable) ValidSlot(slot, now time.Time) bool {
	days := b.Days(now)
	for _, d := range days {
		if slices.ContainsFunc(b.Slots(d, now), slot.Equal) {
			return true
		}
	}
	return false
}

// Left returns how many places a slot has left for a service, given the places taken.
func (b Bookable) Left(taken map[SlotKey]int, slot time.Time, service string) int {
	k := slot.Unix()
	return max(0, min(b.Plan.PerSlot-taken[SlotKey{k, ""}], b.Plan.PerService[service]-taken[SlotKey{k, service}]))
}

// IDHash hashes an ID number given at booking with the site's key; "" when none was given or the
// site has no key.
func (b Bookable) IDHash(idNumber string) string {
	key, err := base64.StdEncoding.DecodeString(b.Plan.IDKey)
	if idNumber == "" || err != nil || len(key) == 0 {
		return ""
	}
	return app.IDHash(key, idNumber)
}

// validPlan checks a booking plan as a hall sends it in its catalogue.
func validPlan(p *app.BookingPlan) error {
	if p == nil {
		return nil
	}
	switch {
	case p.SlotMinutes < 0 || p.SlotMinutes > 480, p.DaysAhead < 0 || p.DaysAhead > 92,
		p.PerSlot < 0 || p.PerSlot > 1000, p.GraceMinutes < 0 || p.GraceMinutes > 480:
		return app.Errorf(app.EINVALID, "a booking plan's numbers are out of range")
	case len(p.PerService) > maxCatalogueServices, len(p.ClosedDates) > 400, len(p.IDKey) > 200:
		return app.Errorf(app.EINVALID, "a booking plan is too long")
	}
	for code, n := range p.PerService {
		if err := ValidShort("booking service", code); err != nil {
			return err
		}
		if n < 0 || n > 1000 {
			return app.Errorf(app.EINVALID, "a booking plan's numbers are out of range")
		}
	}
	for _, d := range p.ClosedDates {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return app.Errorf(app.EINVALID, "a closed date is not YYYY-MM-DD")
		}
	}
	return nil
}
