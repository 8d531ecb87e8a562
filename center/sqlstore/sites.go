package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"fengqiao/app"
	"fengqiao/center"
)

// AddSite implements center.Store.
func (s *Store) AddSite(ctx context.Context, name string, tokenHash []byte) (center.Site, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return center.Site{}, app.Errorf(app.EINVALID, "a site needs a name")
	}
	site := center.Site{Name: name}
	err := s.db.QueryRowContext(ctx, s.rebind("INSERT INTO sites (name, token_hash, created_at) VALUES (?, ?, ?) RETURNING id"),
		name, tokenHash, s.now().UnixMicro()).Scan(&site.ID)
	if err != nil && isUnique(err) {
		return site, app.Errorf(app.ECONFLICT, "a site named %q exists already", name)
	}
	return site, dbErr("add site", err)
}

// AddUser implements center.Store.
func (s *Store) AddUser(ctx context.Context, name string, tokenHash []byte) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return app.Errorf(app.EINVALID, "a user needs a name")
	}
	_, err := s.db.ExecContext(ctx, s.rebind("INSERT INTO users (name, token_hash, created_at) VALUES (?, ?, ?)"),
		name, tokenHash, s.now().UnixMicro())
	if err != nil && isUnique(err) {
		return app.Errorf(app.ECONFLICT, "a user named %q exists already", name)
	}
	return dbErr("add user", err)
}

// Authenticate implements center.Store.
func (s *Store) Authenticate(ctx context.Context, tokenHash []byte) (center.Principal, error) {
	var site center.Site
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT id, name, applied_through, last_seq FROM sites WHERE token_hash = ?"),
		tokenHash).Scan(&site.ID, &site.Name, &site.AppliedThrough, &site.LastSeq)
	if err == nil {
		return center.Principal{Site: &site}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return center.Principal{}, dbErr("authenticate", err)
	}
	var user string
	err = s.db.QueryRowContext(ctx, s.rebind("SELECT name FROM users WHERE token_hash = ?"), tokenHash).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return center.Principal{}, app.Errorf(center.EUNAUTHORIZED, "unknown token")
	}
	if err != nil {
		return center.Principal{}, dbErr("authenticate", err)
	}
	return center.Principal{User: user}, nil
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
