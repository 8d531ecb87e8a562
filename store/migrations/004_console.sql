-- Window consoles, the rating pad and the audit log. Times are Unix microseconds (UTC).

-- staff_sessions: a staff member signed in at a window. Only the hash of the session token is kept.
-- services is the JSON list of service codes the window calls during the session.
CREATE TABLE staff_sessions (
	id            INTEGER PRIMARY KEY,
	token_hash    TEXT NOT NULL UNIQUE,
	staff         TEXT NOT NULL,
	window_id     INTEGER NOT NULL,
	services      TEXT NOT NULL,
	signed_in_at  INTEGER NOT NULL,
	signed_out_at INTEGER
);
CREATE INDEX staff_sessions_window ON staff_sessions(window_id, signed_in_at);

-- ratings: one per ticket, given on the rating pad after 完成. flagged marks 不满意 and 非常不满意
-- for a follow-up call; followed_up_at is set when someone has made it.
CREATE TABLE ratings (
	id             INTEGER PRIMARY KEY,
	ticket_id      INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
	window_id      INTEGER NOT NULL,
	staff          TEXT NOT NULL DEFAULT '',
	score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	flagged        INTEGER NOT NULL,
	day            TEXT NOT NULL,
	at             INTEGER NOT NULL,
	followed_up_at INTEGER
);
CREATE INDEX ratings_day ON ratings(day, window_id);
CREATE INDEX ratings_flagged ON ratings(flagged, followed_up_at);

-- audit_log: every look at a visitor's full identity (查看完整信息): who, when, which record.
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	staff      TEXT NOT NULL,
	window_id  INTEGER NOT NULL,
	action     TEXT NOT NULL,
	ticket_id  INTEGER REFERENCES tickets(id),
	visitor_id INTEGER REFERENCES visitors(id),
	case_id    INTEGER REFERENCES cases(id)
);
CREATE INDEX audit_log_at ON audit_log(at);
