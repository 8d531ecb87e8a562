-- Sync with the centre (hallsync). Times are Unix microseconds (UTC).

-- sync_cursor is the sync worker's durable position, one row.
--   pushed: the highest event id the centre replied it has applied (the outbox is events.id > pushed);
--   pulled: the highest centre change sequence number applied here.
CREATE TABLE sync_cursor (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	pushed        INTEGER NOT NULL DEFAULT 0,
	pulled        INTEGER NOT NULL DEFAULT 0,
	last_success  INTEGER,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at INTEGER
);
INSERT INTO sync_cursor (id) VALUES (1);

-- sync_inbound records each centre change handled here, once: applied, or refused by the hall's
-- rules (outcome is then the app error code) so that it is not retried forever.
CREATE TABLE sync_inbound (
	seq        INTEGER PRIMARY KEY,
	code       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	outcome    TEXT NOT NULL,
	handled_at INTEGER NOT NULL
);
