package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// LoginLockedUntil implements center.WebStore.
func (s *Store) LoginLockedUntil(ctx context.Context, name string) (time.Time, error) {
	var until int64
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT locked_until FROM login_failures WHERE name = ?"), name).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) || err == nil && until == 0 {
		return time.Time{}, nil
	}
	return time.UnixMicro(until).UTC(), dbErr("read lockout", err)
}

// LoginFailed implements center.WebStore: one upsert counts the failure atomically, so that
// several centre nodes share the count.
func (s *Store) LoginFailed(ctx context.Context, name string, now time.Time, delay func(int) time.Duration) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stale := micros(now.Add(-center.LockoutResetAfter))
		var failures int
		err := tx.QueryRowContext(ctx, s.rebind(`INSERT INTO login_failures (name, failures, last_at) VALUES (?, 1, ?)
			ON CONFLICT (name) DO UPDATE SET failures = CASE WHEN login_failures.last_at < ? THEN 1
			ELSE login_failures.failures + 1 END, last_at = excluded.last_at RETURNING failures`),
			name, micros(now), stale).Scan(&failures)
		if err != nil {
			return dbErr("count sign-in failure", err)
		}
		if d := delay(failures); d > 0 {
			if _, err := tx.ExecContext(ctx, s.rebind("UPDATE login_failures SET locked_until = ? WHERE name = ?"),
				micros(now.Add(d)), name); err != nil {
				return dbErr("lock sign-in", err)
			}
		}
		// Forget names that have not failed for a day, so guessed names do not pile up.
		_, err = tx.ExecContext(ctx, s.rebind("DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?"), stale, micros(now))
		return dbErr("forget sign-in failures", err)
	})
}

// LoginSucceeded implements center.WebStore.
func (s *Store) LoginSucceeded(ctx context.Context, name string) error {
	_, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM login_failures WHERE name = ?"), name)
	return dbErr("clear sign-in failures", err)
}

// DisableUser implements center.WebStore.
func (s *Store) DisableUser(ctx context.Context, name string, now time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.rebind("UPDATE users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL"), micros(now), name)
		if err != nil {
			return dbErr("disable user", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "no such user")
		}
		_, err = tx.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)"), name)
		return dbErr("end sessions", err)
	})
}

// AddToken implements center.WebStore.
func (s *Store) AddToken(ctx context.Context, user string, tokenHash []byte, expires time.Time) (center.Token, error) {
	t := center.Token{User: user, CreatedAt: s.now().UTC(), ExpiresAt: expires.UTC()}
	err := s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at)
		SELECT id, ?, ?, ? FROM users WHERE name = ? RETURNING id`), tokenHash, micros(t.CreatedAt), micros(expires), user).Scan(&t.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.Errorf(app.ENOTFOUND, "no such user")
	}
	return t, dbErr("add token", err)
}

const tokenSelect = `SELECT t.id, u.name, t.created_at, t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id`

func scanToken(row scanner) (center.Token, error) {
	var t center.Token
	var created, expires int64
	var revoked sql.NullInt64
	err := row.Scan(&t.ID, &t.User, &created, &expires, &revoked)
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC(), fromMicros(revoked)
	return t, err
}

// Tokens implements center.WebStore.
func (s *Store) Tokens(ctx context.Context) ([]center.Token, error) {
	return queryAll(ctx, s, "read tokens", tokenSelect+" ORDER BY t.id DESC", nil, scanToken)
}

// Token implements center.WebStore.
func (s *Store) Token(ctx context.Context, id int64) (center.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.rebind(tokenSelect+" WHERE t.id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.Errorf(app.ENOTFOUND, "no such token")
	}
	return t, dbErr("read token", err)
}

// RevokeToken implements center.WebStore.
func (s *Store) RevokeToken(ctx context.Context, id int64, now time.Time) error {
	return s.updateOne(ctx, "revoke token", "no such token",
		"UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", micros(now), id)
}

// RenameSite implements center.WebStore.
func (s *Store) RenameSite(ctx context.Context, site int64, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return app.Errorf(app.EINVALID, "a site needs a name")
	}
	if err := center.ValidShort("site name", name); err != nil {
		return err
	}
	err := s.updateOne(ctx, "rename site", "no such site", "UPDATE sites SET name = ? WHERE id = ?", name, site)
	if err != nil && isUnique(err) {
		return app.Errorf(app.ECONFLICT, "a site named %q exists already", name)
	}
	return err
}

// RotateSiteToken implements center.WebStore.
func (s *Store) RotateSiteToken(ctx context.Context, site int64, tokenHash []byte, oldUntil time.Time) error {
	return s.updateOne(ctx, "rotate site token", "no such site",
		"UPDATE sites SET old_token_hash = token_hash, old_token_until = ?, token_hash = ? WHERE id = ?",
		micros(oldUntil), tokenHash, site)
}

// Audit implements center.Store.
func (s *Store) Audit(ctx context.Context, e center.AuditEntry) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO audit (at, principal, action, case_code, site_id, target, address)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), micros(e.At), e.Principal, e.Action, e.Case, nullInt(e.Site), e.Target, e.Address)
	return dbErr("audit", err)
}

// AuditLog implements center.WebStore.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]center.AuditEntry, error) {
	return queryAll(ctx, s, "read audit", s.rebind(`SELECT at, principal, action, case_code, coalesce(site_id, 0), target, address
		FROM audit ORDER BY id DESC LIMIT ?`), []any{limit}, func(row scanner) (center.AuditEntry, error) {
		var e center.AuditEntry
		var at int64
		err := row.Scan(&at, &e.Principal, &e.Action, &e.Case, &e.Site, &e.Target, &e.Address)
		e.At = time.UnixMicro(at).UTC()
		return e, err
	})
}

// RefusedEvents implements center.WebStore.
func (s *Store) RefusedEvents(ctx context.Context, limit int) (int, []center.RefusedEvent, error) {
	var n int
	if err := s.reader(ctx).QueryRowContext(ctx, "SELECT count(*) FROM refused_events").Scan(&n); err != nil || n == 0 {
		return n, nil, dbErr("count refused events", err)
	}
	out, err := queryAll(ctx, s, "read refused events", s.rebind(`SELECT site_id, event_id, kind, reason, received_at FROM refused_events
		ORDER BY received_at DESC, site_id, event_id LIMIT ?`), []any{limit}, func(row scanner) (center.RefusedEvent, error) {
		var e center.RefusedEvent
		var at int64
		err := row.Scan(&e.Site, &e.EventID, &e.Kind, &e.Reason, &at)
		e.ReceivedAt = time.UnixMicro(at).UTC()
		return e, err
	})
	return n, out, err
}
