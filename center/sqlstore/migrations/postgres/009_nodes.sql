-- Several centre nodes on one database (postgres): the rate limits that were kept in each node's
-- memory live here, so a client refused through one node is refused through every node.
-- (Sessions and the sign-in lockout were already in the database: sessions, login_failures.)

-- rate_buckets are token buckets, one per kind of limit (track, login) and client address:
-- tokens as they stood at at_us (microseconds), refilled at rate tokens a microsecond up to
-- burst. ok is whether the last take found a token, for the statement that takes one to return.
-- UNLOGGED: the buckets are written on most look-ups and are worth nothing after a crash, so they
-- skip the WAL (no fsync per look-up) and are not sent to standbys; a standby promoted by a
-- failover starts with every bucket full, as a restarted single node did before.
CREATE UNLOGGED TABLE rate_buckets (
	kind   TEXT NOT NULL,
	client TEXT NOT NULL,
	tokens DOUBLE PRECISION NOT NULL,
	at_us  BIGINT NOT NULL,
	rate   DOUBLE PRECISION NOT NULL,
	burst  DOUBLE PRECISION NOT NULL,
	ok     INTEGER NOT NULL,
	PRIMARY KEY (kind, client)
);
