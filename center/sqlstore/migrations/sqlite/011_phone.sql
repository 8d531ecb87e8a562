-- The phone app of 网格员 and 网格长 (docs/centre.md "Phone app"): their long-lived, revocable
-- sessions, and the 回访 tasks the dashboard assigns to them.

-- phone_sessions: the SHA-256 of the cookie's token and the session's CSRF token. A session lives
-- 30 days from its last use; revoked_at ends it before (the row is kept until it would have expired,
-- so the phone is told "revoked" and wipes its outbox, rather than "signed out").
CREATE TABLE phone_sessions (
	token_hash   BLOB PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf         TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL,
	revoked_at   BIGINT
);
CREATE INDEX phone_sessions_user ON phone_sessions(user_id);
CREATE INDEX phone_sessions_expiry ON phone_sessions(expires_at);

-- followup_tasks: a case's 回访 assigned to a 网格员; done_at and outcome once they record it (the
-- outcome is also appended to the case as a follow-up).
CREATE TABLE followup_tasks (
	id          INTEGER PRIMARY KEY,
	case_code   TEXT NOT NULL REFERENCES cases(code),
	user_id     BIGINT NOT NULL REFERENCES users(id),
	assigned_by TEXT NOT NULL,
	assigned_at BIGINT NOT NULL,
	due_on      TEXT NOT NULL DEFAULT '',
	done_at     BIGINT,
	outcome     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followup_tasks_user ON followup_tasks(user_id, done_at);
CREATE INDEX followup_tasks_case ON followup_tasks(case_code);
