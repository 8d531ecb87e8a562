package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// TestRetentionStripsPastBookings: retention clears the phone and the ID hash of a booking whose
// slot is older than its cutoff, and keeps those of a booking still to come.
func TestRetentionStripsPastBookings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		_, hash := center.NewToken()
		site, err := s.AddSite(ctx, "枫源村", hash)
		if err != nil {
			t.Fatal(err)
		}
		plan := app.BookingPlan{SlotMinutes: 30, DaysAhead: 7, PerSlot: 2, PerService: map[string]int{"legal": 2}}
		now := time.Now().UTC().Truncate(time.Minute)
		for code, slot := range map[string]time.Time{"YOLD0001": now.Add(-400 * 24 * time.Hour), "YNEW0001": now.Add(24 * time.Hour)} {
			b := app.Booking{Code: code, Service: "legal", Slot: slot, Minutes: 30, Status: app.BookingBooked,
				MaskedName: "张*丰", MaskedPhone: "139****5678", IDHash: "abc", CreatedAt: now, UpdatedAt: now}
			if err := s.Book(ctx, site.ID, b, "13912345678", plan); err != nil {
				t.Fatalf("book %s: %v", code, err)
			}
		}
		if _, err := s.StripPersonalData(ctx, now.Add(-365*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		for code, kept := range map[string]bool{"YOLD0001": false, "YNEW0001": true} {
			var phone, idHash string
			if err := s.DB().QueryRowContext(ctx, rebind(s, "SELECT phone, id_hash FROM bookings WHERE code = ?"), code).
				Scan(&phone, &idHash); err != nil {
				t.Fatal(err)
			}
			if (phone != "" && idHash != "") != kept || (phone == "" && idHash == "") == kept {
				t.Errorf("%s after retention: phone %q, id hash %q; kept %v", code, phone, idHash, kept)
			}
		}
	})
}
