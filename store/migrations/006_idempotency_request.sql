-- An Idempotency-Key remembers the request it was first used for, so that the same key with a
-- different request is refused instead of answered with the first result. Keys are kept 24 hours;
-- the index serves the purge.
ALTER TABLE idempotency ADD COLUMN method TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency ADD COLUMN path TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency ADD COLUMN body_sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX idempotency_created ON idempotency(created_at);
