-- Several centre nodes on one database (sqlite): the rate limits that were kept in each node's
-- memory live here, so a client refused through one node is refused through every node.
-- (Sessions and the sign-in lockout were already in the database: sessions, login_failures.)

-- rate_buckets are token buckets, one per kind of limit (track, login) and client address:
-- tokens as they stood at at_us (microseconds), refilled at rate tokens a microsecond up to
-- burst. ok is whether the last take found a token, for the statement that takes one to return.
-- On SQLite (one site, one node) it is an ordinary table.
CREATE TABLE rate_buckets (
	kind   TEXT NOT NULL,
	client TEXT NOT NULL,
	tokens REAL NOT NULL,
	at_us  BIGINT NOT NULL,
	rate   REAL NOT NULL,
	burst  REAL NOT NULL,
	ok     INTEGER NOT NULL,
	PRIMARY KEY (kind, client)
);
