package app

import "time"

// CheckInWindow is how long before its slot a booked resident may check in at the kiosk; they
// then wait as booked until the slot opens (PickCall). Earlier, the kiosk tells them when to
// come back.
const CheckInWindow = time.Hour

// DefaultGraceMinutes is the grace time of a hall whose plan does not set one.
const DefaultGraceMinutes = 15

// CheckInOutcome is what checking a booking in at the kiosk came to.
type CheckInOutcome string

// Check-in outcomes. Only CheckInBooked and CheckInLate issue a ticket.
const (
	CheckInBooked    CheckInOutcome = "booked"    // a booked ticket, called at its slot
	CheckInLate      CheckInOutcome = "late"      // past the grace time: a walk-in ticket
	CheckInEarly     CheckInOutcome = "early"     // more than CheckInWindow before the slot: no ticket yet
	CheckInNotToday  CheckInOutcome = "not_today" // the booking is for another day
	CheckInCancelled CheckInOutcome = "cancelled" // the resident cancelled it
	CheckInUsed      CheckInOutcome = "used"      // already checked in, or recorded as a no-show
)

// BookingCheckIn asks the hall to check a booking in: its code (scanned from the booking's QR,
// or found by CardBooking for a card), and the visitor when their card was read.
type BookingCheckIn struct {
	Code    string   `json:"code"`
	Visitor *Visitor `json:"visitor,omitempty"`
	Source  string   `json:"source,omitempty"` // as IssueRequest.Source
}

// CheckInResult is what the hall answers to a check-in: the outcome, the booking (masked, without
// its ID hash) and the ticket when one was issued.
type CheckInResult struct {
	Outcome CheckInOutcome `json:"outcome"`
	Booking Booking        `json:"booking"`
	Ticket  *Ticket        `json:"ticket,omitempty"`
}

// OpensAt returns when a booking may be checked in: CheckInWindow before its slot.
func (b Booking) OpensAt() time.Time { return b.Slot.Add(-CheckInWindow) }

// GraceEnds returns when a booked resident who has not checked in becomes a walk-in (and the
// booking a no-show): grace minutes after the slot's start.
func (b Booking) GraceEnds(grace int) time.Time {
	return b.Slot.Add(time.Duration(grace) * time.Minute)
}

// CheckInAt decides what checking the booking in at now comes to, in the hall's time zone with
// its business day starting resetAt minutes after midnight, and grace minutes of grace.
func (b Booking) CheckInAt(now time.Time, loc *time.Location, resetAt, grace int) CheckInOutcome {
	switch {
	case b.Status == BookingCancelled:
		return CheckInCancelled
	case b.Status != BookingBooked:
		return CheckInUsed
	case BusinessDay(b.Slot, loc, resetAt) != BusinessDay(now, loc, resetAt):
		return CheckInNotToday
	case now.Before(b.OpensAt()):
		return CheckInEarly
	case now.After(b.GraceEnds(grace)):
		return CheckInLate
	}
	return CheckInBooked
}

// Public returns the booking as it may leave the hall's database: without its ID hash.
func (b Booking) Public() Booking {
	b.IDHash = ""
	return b
}
