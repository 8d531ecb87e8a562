-- Authorization at every door (PostgreSQL): API tokens that expire and can be revoked, disabled users,
-- site token rotation with an overlap, the per-account sign-in lockout, the audit log and the
-- events refused at sync.

-- api_tokens are the centre users' bearer tokens. users.token_hash is no longer read: the tokens
-- it held move here and expire 90 days after this migration.
CREATE TABLE api_tokens (
	id         BIGSERIAL PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash BYTEA NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT
);
INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at)
	SELECT id, token_hash, created_at, (extract(epoch FROM now()) * 1000000)::BIGINT + 90 * 86400000000 FROM users;

ALTER TABLE users ADD COLUMN disabled_at BIGINT;

-- A rotated site token keeps working until old_token_until, so the hall never stops syncing.
ALTER TABLE sites ADD COLUMN old_token_hash BYTEA;
ALTER TABLE sites ADD COLUMN old_token_until BIGINT;

-- login_failures counts failed sign-ins per account name (known or not) across addresses.
CREATE TABLE login_failures (
	name         TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0,
	last_at      BIGINT NOT NULL
);

-- audit is every write and every full-record view at the centre.
CREATE TABLE audit (
	id        BIGSERIAL PRIMARY KEY,
	at        BIGINT NOT NULL,
	principal TEXT NOT NULL,
	action    TEXT NOT NULL,
	case_code TEXT NOT NULL DEFAULT '',
	site_id   BIGINT,
	target    TEXT NOT NULL DEFAULT '',
	address   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);

-- refused_events lists the pushed events the centre kept but did not project, with the reason.
CREATE TABLE refused_events (
	site_id     BIGINT NOT NULL REFERENCES sites(id),
	event_id    BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	PRIMARY KEY (site_id, event_id)
);
INSERT INTO refused_events (site_id, event_id, kind, reason, received_at)
	SELECT site_id, event_id, kind, reason, received_at FROM events WHERE outcome = 'refused';
