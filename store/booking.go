package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"fengqiao/app"
)

// SetBookingPlan sets what the hall offers for appointments (预约), from its configuration; nil
// when it takes none. Call it before serving.
func (h *Hall) SetBookingPlan(p *app.BookingPlan) { h.plan = p }

// BookingPlan returns the hall's plan with its ID key (app.BookingPlan.IDKey), as the catalogue
// sends it to the centre; nil when the hall takes no bookings.
func (h *Hall) BookingPlan(ctx context.Context) (*app.BookingPlan, error) {
	if h.plan == nil {
		return nil, nil
	}
	key, err := h.idKey(ctx)
	if err != nil {
		return nil, err
	}
	p := *h.plan
	p.IDKey = base64.StdEncoding.EncodeToString(key)
	return &p, nil
}

// idKey reads the hall's secret for app.IDHash, made once by migration 012.
func (h *Hall) idKey(ctx context.Context) ([]byte, error) {
	var v string
	if err := h.db.read.QueryRowContext(ctx, "SELECT value FROM hall_meta WHERE key = 'booking_id_key'").Scan(&v); err != nil {
		return nil, storeErr("read the booking ID key", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, storeErr("read the booking ID key", err)
	}
	return key, nil
}

// grace returns the minutes a booked resident may be late.
func (h *Hall) grace() int {
	if h.plan != nil && h.plan.GraceMinutes > 0 {
		return h.plan.GraceMinutes
	}
	return app.DefaultGraceMinutes
}

// maxBookingCode is the longest booking code the hall accepts.
const maxBookingCode = 32

// bookingCode normalises a scanned or sent booking code: upper-cased, without the dashes and
// spaces that group it for reading (Y-K7M3-Q9P2 is YK7M3Q9P2).
func bookingCode(s string) (string, error) {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if c == "" || len(c) > maxBookingCode {
		return "", app.Errorf(app.EINVALID, "a booking code has 1 to %d characters", maxBookingCode)
	}
	for _, r := range c {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
			return "", app.Errorf(app.EINVALID, "a booking code has only letters and digits")
		}
	}
	return c, nil
}

// ApplyBooking stores an appointment as the centre sent it (wire.ChangeBooking), by its code:
// made, moved or cancelled. Applying the same booking again changes nothing. Once the hall has
// checked it in or recorded a no-show, the hall's status stands and the centre's is ignored.
func (h *Hall) ApplyBooking(ctx context.Context, b app.Booking) (app.Booking, error) {
	code, err := bookingCode(b.Code)
	if err != nil {
		return app.Booking{}, err
	}
	switch {
	case b.Status != app.BookingBooked && b.Status != app.BookingCancelled:
		return app.Booking{}, app.Errorf(app.EINVALID, "the centre sends bookings booked or cancelled, not %q", b.Status)
	case b.Slot.IsZero() || b.Minutes <= 0:
		return app.Booking{}, app.Errorf(app.EINVALID, "a booking needs its slot and length")
	}
	if _, ok := h.service(b.Service); !ok {
		return app.Booking{}, app.Errorf(app.EINVALID, "unknown service %q", b.Service)
	}
	b.Code = code
	return write(h, ctx, "booking/"+code, func(t *txn) (app.Booking, error) {
		day := app.BusinessDay(b.Slot, h.rules.Location, h.rules.ResetAt)
		if _, err := t.exec(`INSERT INTO bookings (code, service, day, slot, minutes, status, masked_name, masked_phone,
			id_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET service = excluded.service, day = excluded.day, slot = excluded.slot,
				minutes = excluded.minutes, status = excluded.status, masked_name = excluded.masked_name,
				masked_phone = excluded.masked_phone, id_hash = excluded.id_hash, updated_at = excluded.updated_at
			WHERE bookings.status IN ('booked', 'cancelled')`,
			code, b.Service, day, b.Slot.UnixMicro(), b.Minutes, b.Status, app.MaskName(b.MaskedName),
			app.MaskPhone(b.MaskedPhone), b.IDHash, b.CreatedAt.UnixMicro(), t.now.UnixMicro()); err != nil {
			return app.Booking{}, storeErr("apply booking", err)
		}
		return t.booking(code)
	})
}

// bookingColumns are read by scanBooking, in its order.
const bookingColumns = `code, service, slot, minutes, status, masked_name, masked_phone, id_hash, created_at, updated_at`

func scanBooking(row scanner) (app.Booking, error) {
	var b app.Booking
	var slot, created, updated int64
	err := row.Scan(&b.Code, &b.Service, &slot, &b.Minutes, &b.Status, &b.MaskedName, &b.MaskedPhone, &b.IDHash,
		&created, &updated)
	b.Slot, b.CreatedAt, b.UpdatedAt = time.UnixMicro(slot).UTC(), time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return b, err
}

var errNoBooking = app.Errorf(app.ENOTFOUND, "no such booking")

func (t *txn) booking(code string) (app.Booking, error) {
	b, err := scanBooking(t.queryRow("SELECT "+bookingColumns+" FROM bookings WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return b, errNoBooking
	}
	return b, storeErr("read booking", err)
}

// TodayBookings returns the bookings of the business day, by slot, masked and without their ID
// hash, with the label of the ticket issued at check-in in labels (by code).
func (h *Hall) TodayBookings(ctx context.Context) ([]app.Booking, error) {
	day := app.BusinessDay(h.clock(), h.rules.Location, h.rules.ResetAt)
	rows, err := h.db.read.QueryContext(ctx, "SELECT "+bookingColumns+" FROM bookings WHERE day = ? ORDER BY slot, code", day)
	if err != nil {
		return nil, storeErr("list bookings", err)
	}
	defer rows.Close()
	out := []app.Booking{}
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, storeErr("list bookings", err)
		}
		out = append(out, b.Public())
	}
	return out, storeErr("list bookings", rows.Err())
}

// CardBooking returns today's booking, still to check in, made with the ID number of a card the
// kiosk read: matched by app.IDHash under the hall's key, the number itself never stored.
// ENOTFOUND when there is none.
func (h *Hall) CardBooking(ctx context.Context, idNumber string) (app.Booking, error) {
	key, err := h.idKey(ctx)
	if err != nil {
		return app.Booking{}, err
	}
	day := app.BusinessDay(h.clock(), h.rules.Location, h.rules.ResetAt)
	b, err := scanBooking(h.db.read.QueryRowContext(ctx, "SELECT "+bookingColumns+
		" FROM bookings WHERE id_hash = ? AND day = ? AND status = 'booked' ORDER BY slot LIMIT 1",
		app.IDHash(key, idNumber), day))
	if errors.Is(err, sql.ErrNoRows) {
		return b, errNoBooking
	}
	if err != nil {
		return b, storeErr("match booking", err)
	}
	return b.Public(), nil
}

// CheckInBooking checks a booked resident in at the kiosk (app.Booking.CheckInAt): within the hour
// before the slot up to its grace time, a booked ticket called at the slot (app.PickCall); later, a
// walk-in ticket; otherwise no ticket, only the outcome. A ticket issued marks the booking
// checked in and logs app.EventBookingCheckedIn before the ticket's own events.
func (h *Hall) CheckInBooking(ctx context.Context, req app.BookingCheckIn) (app.CheckInResult, error) {
	code, err := bookingCode(req.Code)
	if err != nil {
		return app.CheckInResult{}, errNoBooking // a scan of something else: the same as unknown
	}
	return write(h, ctx, "checkin/"+code, func(t *txn) (app.CheckInResult, error) {
		b, err := t.booking(code)
		if err != nil {
			return app.CheckInResult{}, err
		}
		res := app.CheckInResult{Outcome: b.CheckInAt(t.now, h.rules.Location, h.rules.ResetAt, h.grace())}
		if res.Outcome != app.CheckInBooked && res.Outcome != app.CheckInLate {
			res.Booking = b.Public()
			return res, nil
		}
		var booked *app.Booking
		if res.Outcome == app.CheckInBooked {
			booked = &b
		}
		if _, err := t.exec("UPDATE bookings SET status = 'checked_in', updated_at = ? WHERE code = ?",
			t.now.UnixMicro(), code); err != nil {
			return res, storeErr("check in booking", err)
		}
		b.Status, b.UpdatedAt = app.BookingCheckedIn, t.now.UTC()
		pub := b.Public()
		res.Booking = pub
		t.log(app.Event{Kind: app.EventBookingCheckedIn, Booking: &pub}, 0, nil)
		tk, err := h.issue(t, app.IssueRequest{Service: b.Service, Visitor: req.Visitor, Source: req.Source}, booked)
		if err != nil {
			return res, err
		}
		if _, err := t.exec("UPDATE bookings SET ticket_id = ? WHERE code = ?", tk.ID, code); err != nil {
			return res, storeErr("check in booking", err)
		}
		res.Ticket = &tk
		return res, nil
	})
}

// MarkNoShows records as no-shows the bookings still to check in whose slot passed its grace
// time, logging app.EventBookingNoShow for each; the hub runs it every minute.
func (h *Hall) MarkNoShows(ctx context.Context) ([]app.Booking, error) {
	return write(h, ctx, "noshow", func(t *txn) ([]app.Booking, error) {
		cutoff := t.now.Add(-time.Duration(h.grace()) * time.Minute).UnixMicro()
		rows, err := t.tx.QueryContext(t.ctx, "UPDATE bookings SET status = 'no_show', updated_at = ? "+
			"WHERE status = 'booked' AND slot < ? RETURNING "+bookingColumns, t.now.UnixMicro(), cutoff)
		if err != nil {
			return nil, storeErr("mark no-shows", err)
		}
		var marked []app.Booking
		for rows.Next() {
			b, err := scanBooking(rows)
			if err != nil {
				rows.Close()
				return nil, storeErr("mark no-shows", err)
			}
			marked = append(marked, b.Public())
		}
		if err := rows.Close(); err != nil {
			return nil, storeErr("mark no-shows", err)
		}
		for i := range marked {
			t.log(app.Event{Kind: app.EventBookingNoShow, Booking: &marked[i]}, 0, nil)
		}
		return marked, nil
	})
}
