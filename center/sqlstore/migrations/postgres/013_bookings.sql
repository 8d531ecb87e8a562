-- Appointments (预约) residents book on the centre's public pages (docs/centre.md "Appointments").
-- The centre owns slot capacity: booking_slots counts the live bookings of a slot, one row for the
-- slot as a whole (service '') and one per service, and a booking takes a place only through a
-- conditional UPDATE … SET taken = taken + 1 WHERE taken < capacity, under the site row's lock.

CREATE TABLE booking_slots (
	site_id BIGINT NOT NULL REFERENCES sites(id),
	slot    BIGINT NOT NULL,          -- the slot's start, unix microseconds
	service TEXT NOT NULL,            -- '' for the slot across all services
	taken   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, slot, service)
);

-- bookings keeps the masked name only; phone is the full mobile number for the reminder hook and
-- the owner's proof (its last four digits); id_hash the keyed hash of an ID number, if given.
CREATE TABLE bookings (
	code         TEXT PRIMARY KEY,
	site_id      BIGINT NOT NULL REFERENCES sites(id),
	service      TEXT NOT NULL,
	slot         BIGINT NOT NULL,
	minutes      INTEGER NOT NULL,
	status       TEXT NOT NULL,
	masked_name  TEXT NOT NULL,
	phone        TEXT NOT NULL,
	id_hash      TEXT NOT NULL DEFAULT '',
	created_at   BIGINT NOT NULL,
	updated_at   BIGINT NOT NULL,
	reminded_at  BIGINT
);
CREATE INDEX bookings_site_slot ON bookings(site_id, slot);
CREATE INDEX bookings_remind ON bookings(slot) WHERE reminded_at IS NULL AND status = 'booked';

-- A booking change (wire.ChangeBooking) names a booking, not a case.
ALTER TABLE changes DROP CONSTRAINT IF EXISTS changes_code_fkey;

-- booking is the appointment a ticket was issued for (app.Ticket.Booking), '' for a walk-in.
ALTER TABLE tickets ADD COLUMN booking TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_booking ON tickets(booking) WHERE booking <> '';
