-- Appointments (预约) the centre sent to this hall (wire.ChangeBooking), kept by their code as they
-- now stand: no identity beyond the masked name and phone, and id_hash, the keyed hash of the ID
-- number the resident gave (app.IDHash with the hall's booking_id_key), never the number itself.
-- slot is the slot's start (Unix microseconds); day its business day, YYYY-MM-DD; ticket_id the
-- ticket issued at check-in.
CREATE TABLE bookings (
	code         TEXT PRIMARY KEY,
	service      TEXT NOT NULL,
	day          TEXT NOT NULL,
	slot         INTEGER NOT NULL,
	minutes      INTEGER NOT NULL,
	status       TEXT NOT NULL,
	masked_name  TEXT NOT NULL DEFAULT '',
	masked_phone TEXT NOT NULL DEFAULT '',
	id_hash      TEXT NOT NULL DEFAULT '',
	ticket_id    INTEGER REFERENCES tickets(id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX bookings_day ON bookings(day, slot);
CREATE INDEX bookings_id_hash ON bookings(id_hash, day) WHERE id_hash != '';

-- A booked ticket carries its booking code and slot start (app.Ticket.Booking, Slot): the calling
-- rule (app.PickCall) calls it at its slot, ahead of walk-ins.
ALTER TABLE tickets ADD COLUMN booking TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN slot INTEGER;
-- Each window's booked run (app.Streaks.Booked), next to its priority streak.
ALTER TABLE windows ADD COLUMN booked_run INTEGER NOT NULL DEFAULT 0;

-- The hall's secret for app.IDHash, made once here and sent to the centre in the catalogue
-- (app.BookingPlan.IDKey), which hashes an ID number given at booking with it.
INSERT INTO hall_meta (key, value) VALUES ('booking_id_key', lower(hex(randomblob(32))));
