package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

var _ center.BookingStore = (*Store)(nil)

// SlotsTaken implements center.BookingStore.
func (s *Store) SlotsTaken(ctx context.Context, site int64, from, to time.Time) (map[center.SlotKey]int, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT slot, service, taken FROM booking_slots
		WHERE site_id = ? AND slot >= ? AND slot < ?`), site, micros(from), micros(to))
	if err != nil {
		return nil, dbErr("read slots", err)
	}
	defer rows.Close()
	out := map[center.SlotKey]int{}
	for rows.Next() {
		var slot int64
		var k center.SlotKey
		var n int
		if err := rows.Scan(&slot, &k.Service, &n); err != nil {
			return nil, dbErr("read slots", err)
		}
		k.Slot = time.UnixMicro(slot).Unix()
		out[k] = n
	}
	return out, dbErr("read slots", rows.Err())
}

// Book implements center.BookingStore. Under the site row's lock it takes a place of the slot
// and of the service with conditional UPDATEs (take), writes the booking and queues its change.
func (s *Store) Book(ctx context.Context, site int64, b app.Booking, phone string, plan app.BookingPlan) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockSite(ctx, tx, site); err != nil {
			return err
		}
		if err := s.take(ctx, tx, site, b.Slot, b.Service, plan); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO bookings (code, site_id, service, slot, minutes, status,
			masked_name, phone, id_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			b.Code, site, b.Service, micros(b.Slot), b.Minutes, string(b.Status), b.MaskedName, phone, b.IDHash,
			micros(b.CreatedAt), micros(b.UpdatedAt))
		if err != nil && isUnique(err) {
			return app.Errorf(app.ECONFLICT, "booking code taken")
		}
		if err != nil {
			return dbErr("add booking", err)
		}
		return s.queueBooking(ctx, tx, site, b)
	})
}

// take takes a place of a slot as a whole and of the service in it, or fails with ECONFLICT
// when either is full. Each UPDATE changes its row only while the count is below the capacity;
// on PostgreSQL a second transaction waiting on the row re-checks the condition once the first
// commits, so two nodes never both take the last place.
func (s *Store) take(ctx context.Context, tx *sql.Tx, site int64, slot time.Time, service string, plan app.BookingPlan) error {
	for _, k := range []struct {
		service string
		limit   int
	}{{"", plan.PerSlot}, {service, plan.PerService[service]}} {
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO booking_slots (site_id, slot, service, taken) VALUES (?, ?, ?, 0)
			ON CONFLICT (site_id, slot, service) DO NOTHING`), site, micros(slot), k.service); err != nil {
			return dbErr("add slot", err)
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE booking_slots SET taken = taken + 1
			WHERE site_id = ? AND slot = ? AND service = ? AND taken < ?`), site, micros(slot), k.service, k.limit)
		if err != nil {
			return dbErr("take slot", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return app.Errorf(app.ECONFLICT, "the slot is full")
		}
	}
	return nil
}

// release gives back a booking's place in its slot.
func (s *Store) release(ctx context.Context, tx *sql.Tx, b center.BookingRecord) error {
	_, err := tx.ExecContext(ctx, s.rebind(`UPDATE booking_slots SET taken = taken - 1
		WHERE site_id = ? AND slot = ? AND service IN ('', ?) AND taken > 0`), b.Site, micros(b.Slot), b.Service)
	return dbErr("release slot", err)
}

// queueBooking appends the booking as it now stands to its site's changes (wire.ChangeBooking).
func (s *Store) queueBooking(ctx context.Context, tx *sql.Tx, site int64, b app.Booking) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return dbErr("encode booking", err)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, s.rebind("UPDATE sites SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"),
		site).Scan(&seq); err != nil {
		return dbErr("next change", err)
	}
	_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO changes (site_id, seq, code, kind, change, status, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), site, seq, b.Code, wire.ChangeBooking, string(raw), string(b.Status), micros(b.UpdatedAt))
	return dbErr("queue booking", err)
}

const bookingColumns = `code, site_id, service, slot, minutes, status, masked_name, phone, id_hash, created_at, updated_at,
	reminded_at`

func scanBooking(row scanner) (center.BookingRecord, error) {
	var b center.BookingRecord
	var slot, created, updated int64
	var status string
	var reminded sql.NullInt64
	err := row.Scan(&b.Code, &b.Site, &b.Service, &slot, &b.Minutes, &status, &b.MaskedName, &b.Phone, &b.IDHash,
		&created, &updated, &reminded)
	b.Status, b.MaskedPhone = app.BookingStatus(status), app.MaskPhone(b.Phone)
	b.Slot, b.CreatedAt, b.UpdatedAt = time.UnixMicro(slot).UTC(), time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	b.RemindedAt = fromMicros(reminded)
	return b, err
}

// Booking implements center.BookingStore.
func (s *Store) Booking(ctx context.Context, code string) (center.BookingRecord, error) {
	return s.readBooking(ctx, s.db, code)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) readBooking(ctx context.Context, q queryRower, code string) (center.BookingRecord, error) {
	b, err := scanBooking(q.QueryRowContext(ctx, s.rebind("SELECT "+bookingColumns+" FROM bookings WHERE code = ?"), code))
	if errors.Is(err, sql.ErrNoRows) {
		return b, app.Errorf(app.ENOTFOUND, "no such booking")
	}
	return b, dbErr("read booking", err)
}

// rebook runs fn on a booked booking under its site's lock, then writes its slot and status and
// queues the change.
func (s *Store) rebook(ctx context.Context, code string, fn func(tx *sql.Tx, b *center.BookingRecord) error) (center.BookingRecord, error) {
	var out center.BookingRecord
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b, err := s.readBooking(ctx, tx, code)
		if err != nil {
			return err
		}
		if _, err := s.lockSite(ctx, tx, b.Site); err != nil {
			return err
		}
		// Read again under the lock: another node may have moved or cancelled it meanwhile.
		if b, err = s.readBooking(ctx, tx, code); err != nil {
			return err
		}
		if b.Status != app.BookingBooked {
			return app.Errorf(app.ETRANSITION, "the booking is %s", b.Status)
		}
		if err := fn(tx, &b); err != nil {
			return err
		}
		b.UpdatedAt = s.now().UTC()
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE bookings SET slot = ?, status = ?, updated_at = ?, reminded_at = ?
			WHERE code = ?`), micros(b.Slot), string(b.Status), micros(b.UpdatedAt), nullMicros(b.RemindedAt), code); err != nil {
			return dbErr("update booking", err)
		}
		out = b
		return s.queueBooking(ctx, tx, b.Site, b.Booking)
	})
	return out, err
}

// MoveBooking implements center.BookingStore. A moved booking is reminded again.
func (s *Store) MoveBooking(ctx context.Context, code string, slot time.Time, plan app.BookingPlan) (center.BookingRecord, error) {
	return s.rebook(ctx, code, func(tx *sql.Tx, b *center.BookingRecord) error {
		if b.Slot.Equal(slot) {
			return nil
		}
		if err := s.take(ctx, tx, b.Site, slot, b.Service, plan); err != nil {
			return err
		}
		if err := s.release(ctx, tx, *b); err != nil {
			return err
		}
		b.Slot, b.RemindedAt = slot.UTC(), nil
		return nil
	})
}

// CancelBooking implements center.BookingStore.
func (s *Store) CancelBooking(ctx context.Context, code string) (center.BookingRecord, error) {
	return s.rebook(ctx, code, func(tx *sql.Tx, b *center.BookingRecord) error {
		b.Status = app.BookingCancelled
		return s.release(ctx, tx, *b)
	})
}

// DueReminders implements center.BookingStore.
func (s *Store) DueReminders(ctx context.Context, from, to time.Time) ([]center.BookingRecord, error) {
	return queryAll(ctx, s, "read due reminders", s.rebind("SELECT "+bookingColumns+` FROM bookings
		WHERE reminded_at IS NULL AND status = 'booked' AND slot >= ? AND slot < ? ORDER BY slot, code`),
		[]any{micros(from), micros(to)}, scanBooking)
}

// MarkReminded implements center.BookingStore.
func (s *Store) MarkReminded(ctx context.Context, code string, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind("UPDATE bookings SET reminded_at = ? WHERE code = ? AND reminded_at IS NULL"),
		micros(at), code)
	if err != nil {
		return false, dbErr("mark reminded", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("mark reminded", err)
}

// ReleaseReminder implements center.BookingStore.
func (s *Store) ReleaseReminder(ctx context.Context, code string) error {
	_, err := s.db.ExecContext(ctx, s.rebind("UPDATE bookings SET reminded_at = NULL WHERE code = ?"), code)
	return dbErr("release reminder", err)
}

// BookingFigures implements center.BookingStore.
func (s *Store) BookingFigures(ctx context.Context, scope center.Scope, from, to time.Time) ([]center.BookingRecord, []center.TicketWait, error) {
	all, err := queryAll(ctx, s, "read bookings", s.rebind("SELECT "+bookingColumns+` FROM bookings
		WHERE slot >= ? AND slot < ? ORDER BY slot, code`), []any{micros(from), micros(to)}, scanBooking)
	if err != nil {
		return nil, nil, err
	}
	var bookings []center.BookingRecord
	for _, b := range all {
		if scope.Allows(b.Site) {
			b.Phone = "" // the figures need no phone
			bookings = append(bookings, b)
		}
	}
	waits, err := queryAll(ctx, s, "read ticket waits", s.rebind(`SELECT site_id, booking <> '', called_at - issued_at
		FROM tickets WHERE called_at IS NOT NULL AND issued_at >= ? AND issued_at < ?`), []any{micros(from), micros(to)},
		func(r scanner) (center.TicketWait, error) {
			var w center.TicketWait
			var us int64
			err := r.Scan(&w.Site, &w.Booked, &us)
			w.Wait = time.Duration(us) * time.Microsecond
			return w, err
		})
	var scoped []center.TicketWait
	for _, w := range waits {
		if scope.Allows(w.Site) {
			scoped = append(scoped, w)
		}
	}
	return bookings, scoped, err
}

// bookingOutcome is a change of a site's booking that a push brought.
type bookingOutcome struct {
	site   int64
	code   string
	status app.BookingStatus
	at     time.Time
	from   string // the statuses it changes from, as an SQL list
}

// bookingOutcomes returns how the events of a push mark the site's bookings checked in or
// no-show: a booking.checked_in or booking.no_show event names its booking in the body's booking
// (its code) or ticket (its booking), and any ticket naming a booking checks it in
// (docs/sync.md).
func bookingOutcomes(site int64, run []center.Decoded, tickets map[int64]*app.Ticket) []bookingOutcome {
	var out []bookingOutcome
	add := func(code string, st app.BookingStatus, at time.Time, from string) {
		if code != "" {
			out = append(out, bookingOutcome{site: site, code: code, status: st, at: at, from: from})
		}
	}
	for _, d := range run {
		if d.Kind != app.EventBookingCheckedIn && d.Kind != app.EventBookingNoShow {
			continue
		}
		var body struct {
			Booking *struct {
				Code string `json:"code"`
			} `json:"booking"`
			Ticket *struct {
				Booking string `json:"booking"`
			} `json:"ticket"`
		}
		if json.Unmarshal(d.Event.Body, &body) != nil {
			continue
		}
		var code string
		switch {
		case body.Booking != nil:
			code = body.Booking.Code
		case body.Ticket != nil:
			code = body.Ticket.Booking
		}
		if d.Kind == app.EventBookingCheckedIn {
			add(code, app.BookingCheckedIn, d.At, "('booked', 'no_show')")
		} else {
			add(code, app.BookingNoShow, d.At, "('booked')")
		}
	}
	for _, t := range tickets {
		add(t.Booking, app.BookingCheckedIn, t.IssuedAt, "('booked', 'no_show')")
	}
	return out
}

// recordBookingOutcomes stores the outcomes of bookingOutcomes. Another site's bookings are out
// of reach: the updates are by site.
func (s *Store) recordBookingOutcomes(ctx context.Context, tx *sql.Tx, outcomes []bookingOutcome) error {
	for _, o := range outcomes {
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE bookings SET status = ?, updated_at = ?
			WHERE code = ? AND site_id = ? AND status IN `+o.from), string(o.status), micros(o.at), o.code, o.site); err != nil {
			return dbErr("record booking outcome", err)
		}
	}
	return nil
}
