-- The centre database on SQLite (one site). Times are Unix microseconds (UTC), as at the halls;
-- datetime(x / 1000000, 'unixepoch') shows them for reports.

-- sites are the halls. applied_through is the high-water mark of their events; last_seq the last
-- change queued for them. Both only move under the row's lock (SQLite has one writer).
CREATE TABLE sites (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE,
	token_hash      BLOB NOT NULL UNIQUE,
	applied_through BIGINT NOT NULL DEFAULT 0,
	last_seq        BIGINT NOT NULL DEFAULT 0,
	last_push_at    BIGINT,
	created_at      BIGINT NOT NULL
);

-- users are the centre's staff and administrators.
CREATE TABLE users (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	token_hash BLOB NOT NULL UNIQUE,
	created_at BIGINT NOT NULL
);

-- events is the raw log of every hall event received, each once. outcome says what the centre
-- made of it: applied, recorded, echo or refused (with a reason).
CREATE TABLE events (
	site_id     BIGINT NOT NULL REFERENCES sites(id),
	event_id    BIGINT NOT NULL,
	at          BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	body        TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	received_at BIGINT NOT NULL,
	PRIMARY KEY (site_id, event_id)
);
CREATE INDEX events_refused ON events(site_id, event_id) WHERE outcome = 'refused';

-- cases: the masked visitor for display, the full identity (from the hall's private data) apart.
CREATE TABLE cases (
	code             TEXT PRIMARY KEY,
	site_id          BIGINT NOT NULL REFERENCES sites(id),
	service          TEXT NOT NULL,
	category         TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL,
	owner            TEXT NOT NULL,
	unit             TEXT NOT NULL DEFAULT '',
	level            TEXT NOT NULL DEFAULT '',
	handling         TEXT NOT NULL DEFAULT '',
	department       TEXT NOT NULL DEFAULT '',
	summary          TEXT NOT NULL DEFAULT '',
	result           TEXT NOT NULL DEFAULT '',
	follow_up_on     TEXT NOT NULL DEFAULT '',
	opened_at        BIGINT NOT NULL,
	updated_at       BIGINT NOT NULL,
	closed_at        BIGINT,
	masked_name      TEXT NOT NULL DEFAULT '',
	masked_id_number TEXT NOT NULL DEFAULT '',
	masked_phone     TEXT NOT NULL DEFAULT '',
	id_number        TEXT NOT NULL DEFAULT '',
	name             TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_site ON cases(site_id, status);

-- case_entries is each case's history, from the hall (event_id) and from the centre (seq).
CREATE TABLE case_entries (
	id       INTEGER PRIMARY KEY,
	code     TEXT NOT NULL REFERENCES cases(code),
	at       BIGINT NOT NULL,
	kind     TEXT NOT NULL,
	status   TEXT NOT NULL DEFAULT '',
	note     TEXT NOT NULL DEFAULT '',
	by_name  TEXT NOT NULL DEFAULT '',
	origin   TEXT NOT NULL,
	event_id BIGINT,
	seq      BIGINT
);
CREATE INDEX case_entries_code ON case_entries(code, id);

-- tickets holds each ticket's latest state, for statistics.
CREATE TABLE tickets (
	site_id      BIGINT NOT NULL REFERENCES sites(id),
	ticket_id    BIGINT NOT NULL,
	day          TEXT NOT NULL,
	label        TEXT NOT NULL,
	service      TEXT NOT NULL,
	category     TEXT NOT NULL DEFAULT '',
	priority     TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	window_id    INTEGER NOT NULL DEFAULT 0,
	case_code    TEXT NOT NULL DEFAULT '',
	issued_at    BIGINT NOT NULL,
	called_at    BIGINT,
	started_at   BIGINT,
	completed_at BIGINT,
	PRIMARY KEY (site_id, ticket_id)
);
CREATE INDEX tickets_day ON tickets(site_id, day, service);
CREATE INDEX tickets_case ON tickets(case_code);

-- changes is the outbound log per site: changes made at the centre for the hall to apply. seq is
-- assigned as sites.last_seq + 1 under the site row's lock, so seq order is commit order and a
-- reader paging by seq > cursor never skips a row. echo_event is the hall event that recorded it.
CREATE TABLE changes (
	site_id    BIGINT NOT NULL REFERENCES sites(id),
	seq        BIGINT NOT NULL,
	code       TEXT NOT NULL REFERENCES cases(code),
	kind       TEXT NOT NULL,
	change     TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	by_name    TEXT NOT NULL DEFAULT '',
	at         BIGINT NOT NULL,
	echo_event BIGINT,
	PRIMARY KEY (site_id, seq)
);
CREATE INDEX changes_pending ON changes(site_id, code) WHERE echo_event IS NULL;
