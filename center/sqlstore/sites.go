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

// AddSite implements center.Store.
func (s *Store) AddSite(ctx context.Context, name string, tokenHash []byte) (center.Site, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return center.Site{}, app.Errorf(app.EINVALID, "a site needs a name")
	}
	if err := center.ValidShort("site name", name); err != nil {
		return center.Site{}, err
	}
	site := center.Site{Name: name}
	err := s.db.QueryRowContext(ctx, s.rebind("INSERT INTO sites (name, token_hash, created_at) VALUES (?, ?, ?) RETURNING id"),
		name, tokenHash, s.now().UnixMicro()).Scan(&site.ID)
	if err != nil && isUnique(err) {
		return site, app.Errorf(app.ECONFLICT, "a site named %q exists already", name)
	}
	return site, dbErr("add site", err)
}

// AddUser implements center.Store. users.token_hash, no longer read, gets the same hash.
func (s *Store) AddUser(ctx context.Context, name string, tokenHash []byte, expires time.Time) error {
	name = strings.TrimSpace(name)
	if err := center.ValidName(name); err != nil {
		return err
	}
	now := s.now()
	if expires.IsZero() {
		expires = now.Add(center.DefaultTokenTTL)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.rebind("INSERT INTO users (name, token_hash, created_at) VALUES (?, ?, ?) RETURNING id"),
			name, tokenHash, micros(now)).Scan(&id)
		if err != nil && isUnique(err) {
			return app.Errorf(app.ECONFLICT, "a user named %q exists already", name)
		}
		if err != nil {
			return dbErr("add user", err)
		}
		_, err = tx.ExecContext(ctx, s.rebind("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)"),
			id, tokenHash, micros(now), micros(expires))
		return dbErr("add user token", err)
	})
}

// Authenticate implements center.Store.
func (s *Store) Authenticate(ctx context.Context, tokenHash []byte, now time.Time) (center.Principal, error) {
	var site center.Site
	// The current token, then the previous one within its overlap: two index look-ups, where one
	// query with OR would read every site (a city has thousands) on every sync request.
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT id, name, applied_through, last_seq FROM sites WHERE token_hash = ?"),
		tokenHash).Scan(&site.ID, &site.Name, &site.AppliedThrough, &site.LastSeq)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.QueryRowContext(ctx, s.rebind(`SELECT id, name, applied_through, last_seq FROM sites
			WHERE old_token_hash = ? AND old_token_until > ?`), tokenHash, micros(now)).
			Scan(&site.ID, &site.Name, &site.AppliedThrough, &site.LastSeq)
	}
	if err == nil {
		return center.Principal{Site: &site}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return center.Principal{}, dbErr("authenticate", err)
	}
	var tokenID int64
	u, err := scanUser(s.db.QueryRowContext(ctx, s.rebind("SELECT "+userColumns+", t.id"+userFrom+`JOIN api_tokens t ON t.user_id = u.id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled_at IS NULL`),
		tokenHash, micros(now)), &tokenID)
	if errors.Is(err, sql.ErrNoRows) {
		return center.Principal{}, app.Errorf(app.EUNAUTHORIZED, "unknown, expired or revoked token")
	}
	if err != nil {
		return center.Principal{}, dbErr("authenticate", err)
	}
	if err := s.resolveRegion(ctx, &u); err != nil {
		return center.Principal{}, err
	}
	return center.Principal{User: &u, TokenID: tokenID}, nil
}

// Site returns a site by id.
func (s *Store) Site(ctx context.Context, id int64) (center.Site, error) {
	site := center.Site{ID: id}
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT name, applied_through, last_seq FROM sites WHERE id = ?"), id).
		Scan(&site.Name, &site.AppliedThrough, &site.LastSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return site, app.Errorf(app.ENOTFOUND, "no such site")
	}
	return site, dbErr("read site", err)
}

// lockSite locks the site's row until the transaction ends and returns its high-water mark.
// On SQLite the transaction already holds the database's write lock.
func (s *Store) lockSite(ctx context.Context, tx *sql.Tx, id int64) (appliedThrough int64, err error) {
	q := "SELECT applied_through FROM sites WHERE id = ?"
	if s.postgres {
		q += " FOR UPDATE"
	}
	err = tx.QueryRowContext(ctx, s.rebind(q), id).Scan(&appliedThrough)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, app.Errorf(app.ENOTFOUND, "no such site")
	}
	return appliedThrough, dbErr("lock site", err)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
