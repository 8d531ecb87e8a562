-- The rate limits write only failures (center/limit.go): a node checks a client against its own
-- copy of the buckets, read every second from the rows changed since its last read, and charges
-- a failure into the database, below zero when the nodes let more through than the bucket held.
-- ok (whether the last take found a token) is no longer read; at_us is how the nodes find the
-- changed rows.
ALTER TABLE rate_buckets DROP COLUMN ok;
CREATE INDEX rate_buckets_changed ON rate_buckets (kind, at_us);
