-- The centre's web pages: the hall's phone for the tracking page, staff sign-in with roles scoped
-- to a site, sessions, the halls' ratings (好差评), and the retention rule's mark on cases.

ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- role is staff, leader or readonly; site_id scopes a user to one hall (NULL: every hall).
-- password_hash is a bcrypt hash; empty for users who only hold an API token.
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE users ADD COLUMN site_id BIGINT REFERENCES sites(id);

-- sessions of signed-in staff: the SHA-256 of the cookie's token, and the form token (CSRF).
CREATE TABLE sessions (
	token_hash BYTEA PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- ratings are the visitors' ratings of their service (好差评), from the halls' rating.recorded events.
CREATE TABLE ratings (
	site_id   BIGINT NOT NULL REFERENCES sites(id),
	rating_id BIGINT NOT NULL,
	label     TEXT NOT NULL DEFAULT '',
	window_id INTEGER NOT NULL DEFAULT 0,
	score     INTEGER NOT NULL,
	flagged   INTEGER NOT NULL DEFAULT 0,
	case_code TEXT NOT NULL DEFAULT '',
	at        BIGINT NOT NULL,
	PRIMARY KEY (site_id, rating_id)
);
CREATE INDEX ratings_at ON ratings(at);

-- stripped_at marks a case whose personal data the retention rule removed.
ALTER TABLE cases ADD COLUMN stripped_at BIGINT;
CREATE INDEX cases_closed ON cases(closed_at) WHERE stripped_at IS NULL;
CREATE INDEX case_entries_followup ON case_entries(code, at) WHERE kind = 'followup';
