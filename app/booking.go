package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// BookingStatus is where an appointment (预约) stands.
type BookingStatus string

// Booking statuses. A booking is made booked; the resident cancels it, checks in at the kiosk, or
// the slot passes its grace time without them (no-show). Moving a booking keeps its code and
// changes its slot.
const (
	BookingBooked    BookingStatus = "booked"
	BookingCancelled BookingStatus = "cancelled"
	BookingCheckedIn BookingStatus = "checked_in"
	BookingNoShow    BookingStatus = "no_show"
)

// Label returns the status in Chinese.
func (s BookingStatus) Label() string {
	switch s {
	case BookingBooked:
		return "已预约"
	case BookingCancelled:
		return "已取消"
	case BookingCheckedIn:
		return "已签到"
	case BookingNoShow:
		return "未到"
	}
	return string(s)
}

// Booking is an appointment as the centre sends it to the hall and the hall keeps it: no
// identity beyond the masked name and phone, and a keyed hash of the ID number when the resident
// gave one, which the kiosk matches against a card it reads.
type Booking struct {
	Code        string        `json:"code"`    // the booking code the resident shows (and its QR)
	Service     string        `json:"service"` // the hall's service code
	Slot        time.Time     `json:"slot"`    // the slot's start
	Minutes     int           `json:"minutes"` // the slot's length
	Status      BookingStatus `json:"status"`
	MaskedName  string        `json:"masked_name"`
	MaskedPhone string        `json:"masked_phone"`
	// IDHash is IDHash(the hall's key, the ID number) when one was given, else empty.
	IDHash    string    `json:"id_hash,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// BookingPlan is what a hall offers for booking, from its configuration; it reaches the centre
// in the hall's catalogue. Closed days and opening hours are the catalogue's own.
type BookingPlan struct {
	SlotMinutes int `json:"slot_minutes"` // the length of a slot, e.g. 30
	DaysAhead   int `json:"days_ahead"`   // how many days ahead a resident may book, e.g. 7
	// PerSlot is how many bookings one slot takes across all services; PerService caps a
	// service's share of a slot (by service code; a service not listed is not bookable).
	PerSlot    int            `json:"per_slot"`
	PerService map[string]int `json:"per_service"`
	// ClosedDates are days the hall is closed beyond its weekly hours (holidays), YYYY-MM-DD.
	ClosedDates []string `json:"closed_dates,omitempty"`
	// GraceMinutes is how late a booked resident may check in before they count as a walk-in.
	GraceMinutes int `json:"grace_minutes"`
	// IDKey is the hall's secret for IDHash, base64; the centre hashes an ID number given at
	// booking with it and keeps only the hash. Never shown.
	IDKey string `json:"id_key,omitempty"`
}

// IDHash is the keyed hash (HMAC-SHA256, hex) of an ID number under a key: what the centre keeps
// of an ID number given at booking, and what the kiosk computes from a card to find the booking.
// The number is normalised first (spaces dropped, a final x upper-cased).
func IDHash(key []byte, idNumber string) string {
	n := strings.ToUpper(strings.Join(strings.Fields(idNumber), ""))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil))
}
