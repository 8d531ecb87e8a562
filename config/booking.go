package config

import (
	"fmt"
	"maps"
	"time"

	"fengqiao/app"
)

// Booking is what the hall offers for appointments (预约) booked on the centre's public site; the
// plan reaches the centre in the hall's catalogue. The hall takes no bookings unless Enabled.
type Booking struct {
	Enabled     bool `toml:"enabled"`
	SlotMinutes int  `toml:"slot_minutes"` // the length of a slot; default 30
	DaysAhead   int  `toml:"days_ahead"`   // how many days ahead a resident may book; default 7
	PerSlot     int  `toml:"per_slot"`     // bookings one slot takes across all services; default 2
	// PerService caps a service's share of a slot, by service code; a service not listed cannot be
	// booked.
	PerService map[string]int `toml:"per_service"`
	// ClosedDates are holidays beyond the weekly hours, YYYY-MM-DD.
	ClosedDates []string `toml:"closed_dates"`
	// GraceMinutes is how late a booked resident may check in before they queue as a walk-in and
	// the booking counts as a no-show; default 15.
	GraceMinutes int `toml:"grace_minutes"`
}

// withDefaults fills in the defaults of the fields left out.
func (b Booking) withDefaults() Booking {
	if b.SlotMinutes == 0 {
		b.SlotMinutes = 30
	}
	if b.DaysAhead == 0 {
		b.DaysAhead = 7
	}
	if b.PerSlot == 0 {
		b.PerSlot = 2
	}
	if b.GraceMinutes == 0 {
		b.GraceMinutes = app.DefaultGraceMinutes
	}
	return b
}

// BookingPlan returns the hall's booking plan, nil when it takes no bookings. The ID key is the
// hall database's (store.Hall.BookingPlan adds it).
func (c Config) BookingPlan() *app.BookingPlan {
	if !c.Booking.Enabled {
		return nil
	}
	b := c.Booking.withDefaults()
	return &app.BookingPlan{SlotMinutes: b.SlotMinutes, DaysAhead: b.DaysAhead, PerSlot: b.PerSlot,
		PerService: maps.Clone(b.PerService), ClosedDates: b.ClosedDates, GraceMinutes: b.GraceMinutes}
}

// validateBooking reports the problems of the [booking] section, given the service codes.
func (c Config) validateBooking(codes map[string]bool) []error {
	if !c.Booking.Enabled {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("booking."+format, args...)) }
	b := c.Booking.withDefaults()
	if b.SlotMinutes < 5 || b.SlotMinutes > 240 || 24*60%b.SlotMinutes != 0 {
		bad("slot_minutes %d: want 5 to 240 minutes that divide a day, e.g. 30", b.SlotMinutes)
	}
	if b.DaysAhead < 1 || b.DaysAhead > 60 {
		bad("days_ahead %d: want 1 to 60", b.DaysAhead)
	}
	if b.PerSlot < 1 {
		bad("per_slot %d: want at least 1", b.PerSlot)
	}
	if b.GraceMinutes < 0 || b.GraceMinutes > b.SlotMinutes {
		bad("grace_minutes %d: want 0 to the slot's length", b.GraceMinutes)
	}
	if len(b.PerService) == 0 {
		bad("per_service is empty: name the services residents may book and their places per slot")
	}
	for code, n := range b.PerService {
		if !codes[code] {
			bad("per_service: unknown service %q", code)
		}
		if n < 1 || n > b.PerSlot {
			bad("per_service.%s %d: want 1 to per_slot (%d)", code, n, b.PerSlot)
		}
	}
	for _, d := range b.ClosedDates {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			bad("closed_dates: %q is not YYYY-MM-DD", d)
		}
	}
	return errs
}
