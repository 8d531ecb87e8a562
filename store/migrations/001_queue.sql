-- The hall's queue, cases and event log.
-- Times are Unix microseconds (UTC); days are the hall's business days, YYYY-MM-DD.

CREATE TABLE visitors (
	id         INTEGER PRIMARY KEY,
	id_number  TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE cases (
	id           INTEGER PRIMARY KEY,
	code         TEXT NOT NULL UNIQUE,
	service      TEXT NOT NULL,
	category     TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	owner        TEXT NOT NULL,
	unit         TEXT NOT NULL DEFAULT '',
	level        TEXT NOT NULL DEFAULT '',
	handling     TEXT NOT NULL DEFAULT '',
	department   TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	result       TEXT NOT NULL DEFAULT '',
	follow_up_on TEXT NOT NULL DEFAULT '',
	visitor_id   INTEGER REFERENCES visitors(id),
	opened_at    INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	closed_at    INTEGER
);
CREATE INDEX cases_visitor ON cases(visitor_id, status);

CREATE TABLE case_entries (
	id      INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	at      INTEGER NOT NULL,
	kind    TEXT NOT NULL,
	status  TEXT NOT NULL DEFAULT '',
	note    TEXT NOT NULL DEFAULT '',
	by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_entries_case ON case_entries(case_id, id);

-- counters hands out ticket numbers: one row per service per business day.
CREATE TABLE counters (
	day     TEXT NOT NULL,
	service TEXT NOT NULL,
	last    INTEGER NOT NULL,
	PRIMARY KEY (day, service)
) WITHOUT ROWID;

CREATE TABLE tickets (
	id             INTEGER PRIMARY KEY,
	day            TEXT NOT NULL,
	number         INTEGER NOT NULL,
	label          TEXT NOT NULL,
	issued_service TEXT NOT NULL,
	service        TEXT NOT NULL,
	priority       TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL,
	window_id      INTEGER,
	recalls        INTEGER NOT NULL DEFAULT 0,
	category       TEXT NOT NULL DEFAULT '',
	ahead          INTEGER NOT NULL DEFAULT 0,
	case_id        INTEGER REFERENCES cases(id),
	visitor_id     INTEGER REFERENCES visitors(id),
	issued_at      INTEGER NOT NULL,
	arrived_at     INTEGER NOT NULL,
	called_at      INTEGER,
	started_at     INTEGER,
	completed_at   INTEGER,
	-- A number is never issued twice in a day.
	UNIQUE (day, label),
	UNIQUE (day, issued_service, number)
);
CREATE INDEX tickets_queue ON tickets(day, status, service, arrived_at);
CREATE INDEX tickets_visitor ON tickets(visitor_id, day);
-- A window holds at most one current ticket, and a ticket is current at one window only.
CREATE UNIQUE INDEX tickets_window_current ON tickets(window_id) WHERE status IN ('called', 'serving');

CREATE TABLE windows (
	id     INTEGER PRIMARY KEY,
	paused INTEGER NOT NULL DEFAULT 0
);

-- hall_state holds small counters such as the priority streak.
CREATE TABLE hall_state (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;

-- events is the durable log of every change; it is also the outbox that the sync worker pushes to
-- the centre. body is the public event (JSON); private holds personal data the centre needs.
CREATE TABLE events (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	at        INTEGER NOT NULL,
	kind      TEXT NOT NULL,
	window_id INTEGER,
	ticket_id INTEGER REFERENCES tickets(id),
	case_id   INTEGER REFERENCES cases(id),
	body      TEXT NOT NULL,
	private   TEXT
);

-- idempotency remembers the result of each state change made with an Idempotency-Key.
CREATE TABLE idempotency (
	key        TEXT PRIMARY KEY,
	scope      TEXT NOT NULL,
	result     TEXT NOT NULL,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
