package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.WebStore = (*Store)(nil)

// Sites implements center.WebStore.
func (s *Store) Sites(ctx context.Context) ([]center.Site, error) {
	return queryAll(ctx, s, "read sites", "SELECT "+siteColumns+" FROM sites ORDER BY id", nil, scanSite)
}

// SiteByName returns the site with the name.
func (s *Store) SiteByName(ctx context.Context, name string) (center.Site, error) {
	site := center.Site{Name: name}
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT id, applied_through, last_seq, phone FROM sites WHERE name = ?"), name).
		Scan(&site.ID, &site.AppliedThrough, &site.LastSeq, &site.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return site, app.Errorf(app.ENOTFOUND, "no site named %q", name)
	}
	return site, dbErr("read site", err)
}

// SetSitePhone implements center.WebStore.
func (s *Store) SetSitePhone(ctx context.Context, site int64, phone string) error {
	if err := center.ValidPhone(strings.TrimSpace(phone)); err != nil {
		return err
	}
	return s.updateOne(ctx, "set site phone", "no such site",
		"UPDATE sites SET phone = ? WHERE id = ?", strings.TrimSpace(phone), site)
}

// SetUserAccess implements center.WebStore.
func (s *Store) SetUserAccess(ctx context.Context, name string, role center.Role, site int64) error {
	if !role.Valid() {
		return app.Errorf(app.EINVALID, "role must be readonly, staff, leader, admin, gridworker or gridleader")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.rebind("UPDATE users SET role = ?, site_id = ?, region_id = CASE WHEN ? THEN NULL ELSE region_id END WHERE name = ?"),
			string(role), nullInt(site), site != 0, name)
		if err != nil {
			return dbErr("set user access", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "no such user")
		}
		return s.dropUnfitMemberships(ctx, tx, name, role, site)
	})
}

// SetPassword implements center.WebStore.
func (s *Store) SetPassword(ctx context.Context, name string, hash []byte) error {
	return s.updateOne(ctx, "set password", "no such user",
		"UPDATE users SET password_hash = ? WHERE name = ?", string(hash), name)
}

// updateOne runs an UPDATE that must change exactly one row.
func (s *Store) updateOne(ctx context.Context, step, notFound, q string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.rebind(q), args...)
	if err != nil {
		return dbErr(step, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.ENOTFOUND, "%s", notFound)
	}
	return nil
}

const userColumns = `u.id, u.name, u.role, coalesce(u.site_id, 0), coalesce(s.name, ''), u.disabled_at IS NOT NULL,
	coalesce(u.region_id, 0), coalesce(g.name, ''), coalesce(g.level, '')`

// userJoins are the joins userColumns read through, after users u.
const userJoins = " LEFT JOIN sites s ON s.id = u.site_id LEFT JOIN regions g ON g.id = u.region_id "

const userFrom = " FROM users u" + userJoins

func scanUser(row scanner, extra ...any) (center.User, error) {
	var u center.User
	var role string
	err := row.Scan(append([]any{&u.ID, &u.Name, &role, &u.Site, &u.SiteName, &u.Disabled, &u.Region, &u.RegionName,
		&u.RegionLevel}, extra...)...)
	u.Role = center.Role(role)
	return u, err
}

// Credentials implements center.WebStore.
func (s *Store) Credentials(ctx context.Context, name string) (center.User, []byte, error) {
	var hash string
	u, err := scanUser(s.db.QueryRowContext(ctx, s.rebind("SELECT "+userColumns+", u.password_hash"+userFrom+"WHERE u.name = ?"),
		name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nil, app.Errorf(app.ENOTFOUND, "no such user")
	}
	if err != nil {
		return u, nil, dbErr("read credentials", err)
	}
	if err := s.resolveRegion(ctx, &u); err != nil {
		return u, nil, err
	}
	return u, []byte(hash), nil
}

// Users implements center.WebStore.
func (s *Store) Users(ctx context.Context) ([]center.User, error) {
	return queryAll(ctx, s, "read users", "SELECT "+userColumns+userFrom+"ORDER BY u.name", nil,
		func(row scanner) (center.User, error) { return scanUser(row) })
}

// CreateSession implements center.WebStore. It also removes expired sessions.
func (s *Store) CreateSession(ctx context.Context, ses center.Session) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE expires_at < ?"), micros(ses.CreatedAt)); err != nil {
			return dbErr("expire sessions", err)
		}
		_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`), ses.TokenHash, ses.UserID, ses.CSRF, micros(ses.CreatedAt), micros(ses.ExpiresAt))
		return dbErr("create session", err)
	})
}

// Session implements center.WebStore.
func (s *Store) Session(ctx context.Context, tokenHash []byte, now time.Time) (center.Session, center.User, error) {
	ses := center.Session{TokenHash: tokenHash}
	var created, expires int64
	u, err := scanUser(s.db.QueryRowContext(ctx, s.rebind("SELECT "+userColumns+`, x.csrf, x.created_at, x.expires_at
		FROM sessions x JOIN users u ON u.id = x.user_id`+userJoins+`
		WHERE x.token_hash = ? AND x.expires_at > ? AND u.disabled_at IS NULL`), tokenHash, micros(now)), &ses.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, u, app.Errorf(app.EUNAUTHORIZED, "no such session")
	}
	if err != nil {
		return ses, u, dbErr("read session", err)
	}
	if err := s.resolveRegion(ctx, &u); err != nil {
		return ses, u, err
	}
	ses.UserID = u.ID
	ses.CreatedAt, ses.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC()
	return ses, u, nil
}

// DeleteSession implements center.WebStore.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM sessions WHERE token_hash = ?"), tokenHash)
	return dbErr("delete session", err)
}

// scoped returns " AND <condition>" and its arguments for a scope limited to a site or a region.
func scoped(col string, scope center.Scope) (string, []any) {
	cond, args := scopeOf(col, scope)
	if cond == "" {
		return "", nil
	}
	return " AND " + cond, args
}

// Ledger implements center.WebStore.
func (s *Store) Ledger(ctx context.Context, scope center.Scope) ([]center.LedgerRow, error) {
	var out []center.LedgerRow
	err := s.EachLedgerRow(ctx, center.LedgerFilter{Scope: scope}, func(r center.LedgerRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// gridName names a case's grid "big · small" (g its grid, bg the big grid), "" without one.
const gridName = "coalesce(bg.name || ' · ' || g.name, g.name, '')"

// EachLedgerRow implements center.WebStore.
func (s *Store) EachLedgerRow(ctx context.Context, f center.LedgerFilter, fn func(center.LedgerRow) error) error {
	where, args := scoped("c.site_id", f.Scope)
	if f.Site != 0 {
		where, args = where+" AND c.site_id = ?", append(args, f.Site)
	}
	if !f.From.IsZero() {
		where, args = where+" AND c.opened_at >= ?", append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where, args = where+" AND c.opened_at < ?", append(args, micros(f.To))
	}
	where, args = sourced("c.source", f.Sources, where, args)
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind(`SELECT c.code, c.site_id, c.service, c.category, c.status, c.result,
		c.unit, c.opened_at, c.closed_at, c.follow_up_on, c.masked_name, c.summary, c.level, c.handling, c.department,
		c.owner = 'centre' OR EXISTS (SELECT 1 FROM case_entries x WHERE x.code = c.code AND x.kind = 'escalated'),
		(SELECT min(e.at) FROM case_entries e WHERE e.code = c.code AND e.kind = 'status' AND e.status = 'accepted'),
		(SELECT max(f.at) FROM case_entries f WHERE f.code = c.code AND f.kind = 'followup'),
		(SELECT count(*) FROM case_entries g WHERE g.code = c.code AND g.kind = 'followup'),
		coalesce((SELECT h.note FROM case_entries h WHERE h.code = c.code AND h.kind = 'followup' ORDER BY h.id DESC LIMIT 1), ''),
		coalesce((SELECT m.by_name FROM case_entries m WHERE m.code = c.code AND m.kind = 'session' ORDER BY m.id DESC LIMIT 1), ''),
		c.owner, coalesce(c.worker_site_id, 0), c.source, c.risk, c.parties, `+gridName+`
		FROM cases c LEFT JOIN grids g ON g.id = c.grid_id LEFT JOIN grids bg ON bg.id = g.parent_id
		WHERE 1 = 1`+where+` ORDER BY c.opened_at, c.code`), args...)
	if err != nil {
		return dbErr("read ledger", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r center.LedgerRow
		var status, result, source, risk string
		var opened int64
		var closed, accepted, follow sql.NullInt64
		if err := rows.Scan(&r.Code, &r.Site, &r.Service, &r.Category, &status, &result, &r.Unit, &opened, &closed,
			&r.FollowUpOn, &r.MaskedName, &r.Summary, &r.Level, &r.Handling, &r.Department, &r.Escalated, &accepted,
			&follow, &r.Follows, &r.FollowNote, &r.Mediator, &r.Owner, &r.WorkerSite, &source, &risk, &r.Parties,
			&r.Grid); err != nil {
			return dbErr("read ledger", err)
		}
		r.Status, r.Result = app.CaseStatus(status), app.CaseResult(result)
		r.Source, r.Risk = app.CaseSource(source), app.Risk(risk)
		r.OpenedAt, r.ClosedAt, r.AcceptedAt, r.LastFollow = time.UnixMicro(opened).UTC(), fromMicros(closed),
			fromMicros(accepted), fromMicros(follow)
		if err := fn(r); err != nil {
			return err
		}
	}
	return dbErr("read ledger", rows.Err())
}

// TicketTimes implements center.WebStore.
func (s *Store) TicketTimes(ctx context.Context, scope center.Scope, since time.Time) ([]center.TicketTimes, error) {
	where, args := scoped("site_id", scope)
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind(`SELECT site_id, service, window_id, count(*),
		avg((called_at - issued_at) / 1000000.0), avg((completed_at - started_at) / 1000000.0)
		FROM tickets WHERE completed_at IS NOT NULL AND called_at IS NOT NULL AND started_at IS NOT NULL
		AND issued_at >= ?`+where+` GROUP BY site_id, service, window_id ORDER BY site_id, service, window_id`),
		append([]any{micros(since)}, args...)...)
	if err != nil {
		return nil, dbErr("read ticket times", err)
	}
	defer rows.Close()
	var out []center.TicketTimes
	for rows.Next() {
		var t center.TicketTimes
		if err := rows.Scan(&t.Site, &t.Service, &t.Window, &t.Completed, &t.WaitSec, &t.ServeSec); err != nil {
			return nil, dbErr("read ticket times", err)
		}
		out = append(out, t)
	}
	return out, dbErr("read ticket times", rows.Err())
}

// Ratings implements center.WebStore.
func (s *Store) Ratings(ctx context.Context, scope center.Scope, since time.Time) ([]center.RatingRow, error) {
	where, args := scoped("r.site_id", scope)
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind(`SELECT r.site_id, r.rating_id, r.label, r.window_id, r.score, r.flagged,
		r.case_code, r.at, r.staff, EXISTS (SELECT 1 FROM case_entries e WHERE e.code = r.case_code AND e.kind = 'followup'
		AND e.at > r.at) OR EXISTS (SELECT 1 FROM rating_followups f WHERE f.site_id = r.site_id AND f.rating_id = r.rating_id)
		FROM ratings r WHERE r.at >= ?`+where+` ORDER BY r.at DESC, r.site_id, r.rating_id`),
		append([]any{micros(since)}, args...)...)
	if err != nil {
		return nil, dbErr("read ratings", err)
	}
	defer rows.Close()
	var out []center.RatingRow
	for rows.Next() {
		var r center.RatingRow
		var at int64
		var flagged int
		if err := rows.Scan(&r.Site, &r.ID, &r.Label, &r.Window, &r.Score, &flagged, &r.CaseCode, &at, &r.Staff,
			&r.FollowedUp); err != nil {
			return nil, dbErr("read ratings", err)
		}
		r.Flagged, r.At = flagged != 0, time.UnixMicro(at).UTC()
		out = append(out, r)
	}
	return out, dbErr("read ratings", rows.Err())
}

var _ center.SatisfactionCounter = (*Store)(nil)

// SiteSatisfaction implements center.SatisfactionCounter: one GROUP BY over the ratings of the
// scope (an index-only scan of ratings_site_score, centre migration 016).
func (s *Store) SiteSatisfaction(ctx context.Context, scope center.Scope) ([]center.Satisfaction, error) {
	where, args := scoped("r.site_id", scope)
	q := fmt.Sprintf(`SELECT r.site_id, count(*), sum(CASE WHEN r.score >= %d THEN 1 ELSE 0 END),
		sum(CASE WHEN r.score BETWEEN %d AND %d THEN 1 ELSE 0 END)
		FROM ratings r WHERE 1 = 1%s GROUP BY r.site_id ORDER BY r.site_id`,
		app.Satisfied, app.VeryDissatisfied, app.Dissatisfied, where)
	return queryAll(ctx, s, "sum ratings", s.rebind(q), args, func(row scanner) (center.Satisfaction, error) {
		var x center.Satisfaction
		var site int64
		err := row.Scan(&site, &x.Rated, &x.Satisfied, &x.Bad)
		x.Key = strconv.FormatInt(site, 10)
		return x, err
	})
}

// CaseSite implements center.WebStore.
func (s *Store) CaseSite(ctx context.Context, code string) (int64, error) {
	var site int64
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT site_id FROM cases WHERE code = ?"), code).Scan(&site)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, app.Errorf(app.ENOTFOUND, "no such case")
	}
	return site, dbErr("find case", err)
}

// StripPersonalData implements center.WebStore. Besides the case's own columns it blanks the
// notes of its history, which staff may have written names into, and a grid dispute's parties,
// place and photo; the raw event log keeps only public bodies and is not touched.
func (s *Store) StripPersonalData(ctx context.Context, closedBefore time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := micros(s.now())
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE case_entries SET note = '' WHERE note <> '' AND code IN
			(SELECT code FROM cases WHERE stripped_at IS NULL AND closed_at IS NOT NULL AND closed_at < ?)`),
			micros(closedBefore)); err != nil {
			return dbErr("strip history", err)
		}
		if err := stripDisputes(ctx, s, tx, micros(closedBefore)); err != nil {
			return err
		}
		// A booking keeps its phone (for the reminder and the last-four check) and the hash of an ID
		// number until its slot is as old as a closed case's retention.
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE bookings SET phone = '', id_hash = ''
			WHERE slot < ? AND (phone <> '' OR id_hash <> '')`), micros(closedBefore)); err != nil {
			return dbErr("strip bookings", err)
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE cases SET id_number = '', name = '', phone = '',
			masked_name = '', masked_id_number = '', masked_phone = '', summary = '', stripped_at = ?
			WHERE stripped_at IS NULL AND closed_at IS NOT NULL AND closed_at < ?`), now, micros(closedBefore))
		if err != nil {
			return dbErr("strip cases", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
