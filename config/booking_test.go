package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestBookingPlan(t *testing.T) {
	c, err := Load(filepath.Join("..", "fengqiao.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.BookingPlan()
	if p == nil || p.SlotMinutes != 30 || p.DaysAhead != 7 || p.PerSlot != 2 || p.PerService["legal"] != 1 ||
		p.GraceMinutes != 15 || len(p.ClosedDates) != 1 || p.IDKey != "" {
		t.Fatalf("example plan %+v", p)
	}
	c.Booking.Enabled = false
	if c.BookingPlan() != nil {
		t.Error("a plan for a hall that takes no bookings")
	}
}

func TestValidateBooking(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Booking)
		want string // in the error; "" for none
	}{
		{"defaults", func(*Booking) {}, ""},
		{"slot not dividing a day", func(b *Booking) { b.SlotMinutes = 7 }, "booking.slot_minutes 7"},
		{"too far ahead", func(b *Booking) { b.DaysAhead = 400 }, "booking.days_ahead"},
		{"unknown service", func(b *Booking) { b.PerService["nope"] = 1 }, `unknown service "nope"`},
		{"service over the slot", func(b *Booking) { b.PerService["legal"] = 9 }, "per_service.legal 9"},
		{"no services", func(b *Booking) { b.PerService = nil }, "per_service is empty"},
		{"bad date", func(b *Booking) { b.ClosedDates = []string{"1/1"} }, "closed_dates"},
		{"grace over the slot", func(b *Booking) { b.GraceMinutes = 45 }, "grace_minutes 45"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Booking.PerService = map[string]int{"legal": 1}
			tt.mod(&c.Booking)
			err := c.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}
