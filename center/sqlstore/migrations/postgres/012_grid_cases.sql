-- The disputes 网格员 register (center.GridStore, docs/sync.md "Who owns a case"). grid_disputes
-- holds one row per registration: the idempotency key the phone made, unique per user, so a
-- resent or concurrent duplicate stores nothing more and gets the first case back; the case's
-- code (minted by the centre, app.NewCentreCaseCode); the place (household or address: personal
-- data, shown masked) and when the dispute was found.
CREATE TABLE grid_disputes (
	code       TEXT PRIMARY KEY REFERENCES cases(code),
	user_id    BIGINT NOT NULL REFERENCES users(id),
	idem_key   TEXT NOT NULL,
	place      TEXT NOT NULL DEFAULT '',
	found_at   BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (user_id, idem_key)
);

-- dispute_parties lists every party of a grid dispute, the first being the case's visitor
-- (whose identity cases holds too); retention clears them with the case's identity.
CREATE TABLE dispute_parties (
	code      TEXT NOT NULL REFERENCES cases(code),
	n         INTEGER NOT NULL,
	name      TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	phone     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (code, n)
);

-- dispute_photos keeps the one photo a 网格员 may take with a dispute (JPEG, app.MaxDisputePhoto).
CREATE TABLE dispute_photos (
	code  TEXT PRIMARY KEY REFERENCES cases(code),
	photo BYTEA NOT NULL
);
