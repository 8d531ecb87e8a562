package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// CreatePhoneSession implements center.PhoneStore.
func (s *Store) CreatePhoneSession(ctx context.Context, ses center.Session) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.rebind("DELETE FROM phone_sessions WHERE expires_at < ?"), micros(ses.CreatedAt)); err != nil {
			return dbErr("expire phone sessions", err)
		}
		_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO phone_sessions (token_hash, user_id, csrf, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`), ses.TokenHash, ses.UserID, ses.CSRF, micros(ses.CreatedAt), micros(ses.ExpiresAt))
		return dbErr("create phone session", err)
	})
}

// PhoneSession implements center.PhoneStore.
func (s *Store) PhoneSession(ctx context.Context, tokenHash []byte, now time.Time) (center.Session, center.User, error) {
	ses := center.Session{TokenHash: tokenHash}
	var created, expires int64
	var revoked sql.NullInt64
	u, err := scanUser(s.db.QueryRowContext(ctx, s.rebind("SELECT "+userColumns+`, x.csrf, x.created_at, x.expires_at, x.revoked_at
		FROM phone_sessions x JOIN users u ON u.id = x.user_id`+userJoins+`
		WHERE x.token_hash = ? AND x.expires_at > ?`), tokenHash, micros(now)), &ses.CSRF, &created, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, u, app.Errorf(app.EUNAUTHORIZED, "no such phone session")
	}
	if err != nil {
		return ses, u, dbErr("read phone session", err)
	}
	if revoked.Valid || u.Disabled {
		return ses, u, app.Errorf(center.ESESSIONREVOKED, "the phone session was revoked")
	}
	ses.UserID = u.ID
	ses.CreatedAt, ses.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC()
	return ses, u, nil
}

// ExtendPhoneSession implements center.PhoneStore.
func (s *Store) ExtendPhoneSession(ctx context.Context, tokenHash []byte, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind("UPDATE phone_sessions SET expires_at = ? WHERE token_hash = ? AND revoked_at IS NULL"),
		micros(expires), tokenHash)
	return dbErr("extend phone session", err)
}

// EndPhoneSession implements center.PhoneStore.
func (s *Store) EndPhoneSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM phone_sessions WHERE token_hash = ?"), tokenHash)
	return dbErr("end phone session", err)
}

// RevokePhoneSessions implements center.PhoneStore.
func (s *Store) RevokePhoneSessions(ctx context.Context, user string, now time.Time) (int, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT id FROM users WHERE name = ?"), user).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, app.Errorf(app.ENOTFOUND, "no such user")
	}
	if err != nil {
		return 0, dbErr("find user", err)
	}
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE phone_sessions SET revoked_at = ?
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?`), micros(now), id, micros(now))
	if err != nil {
		return 0, dbErr("revoke phone sessions", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// workerGridsWhere selects the small grids (grids without grids under them) a user works in: the
// grids they are a member of, and those under a big grid they lead. It takes the user id twice.
const workerGridsWhere = `NOT EXISTS (SELECT 1 FROM grids k WHERE k.parent_id = g.id)
	AND (g.id IN (SELECT grid_id FROM grid_members WHERE user_id = ?)
	OR g.parent_id IN (SELECT grid_id FROM grid_members WHERE user_id = ?))`

// WorkerGrids implements center.PhoneStore.
func (s *Store) WorkerGrids(ctx context.Context, userID int64) ([]center.WorkerGrid, error) {
	return queryAll(ctx, s, "read worker grids", s.rebind(`SELECT g.id, g.name, coalesce(p.name, ''), g.site_id, st.name
		FROM grids g LEFT JOIN grids p ON p.id = g.parent_id JOIN sites st ON st.id = g.site_id
		WHERE `+workerGridsWhere+` ORDER BY st.id, p.name, g.name`), []any{userID, userID},
		func(row scanner) (center.WorkerGrid, error) {
			var g center.WorkerGrid
			return g, row.Scan(&g.ID, &g.Name, &g.BigGrid, &g.Site, &g.Village)
		})
}

// GridRecords implements center.PhoneStore.
func (s *Store) GridRecords(ctx context.Context, userID int64, limit int) ([]center.GridRecord, error) {
	return queryAll(ctx, s, "read grid records", s.rebind(`SELECT c.code, c.service, c.category, c.status, c.result, c.risk,
		g.name, c.opened_at, c.masked_name FROM cases c JOIN grids g ON g.id = c.grid_id
		WHERE `+workerGridsWhere+` ORDER BY c.opened_at DESC, c.code DESC LIMIT ?`), []any{userID, userID, limit},
		func(row scanner) (center.GridRecord, error) {
			var r center.GridRecord
			var status, result, risk string
			var opened int64
			err := row.Scan(&r.Code, &r.Service, &r.Category, &status, &result, &risk, &r.Grid, &opened, &r.MaskedName)
			r.Status, r.Result, r.Risk = app.CaseStatus(status), app.CaseResult(result), app.Risk(risk)
			r.OpenedAt = time.UnixMicro(opened).UTC()
			return r, err
		})
}

// GridWorkers implements center.PhoneStore.
func (s *Store) GridWorkers(ctx context.Context, code string) ([]center.User, error) {
	return queryAll(ctx, s, "read grid workers", s.rebind("SELECT "+userColumns+userFrom+`WHERE u.disabled_at IS NULL
		AND u.role IN (?, ?) AND u.id IN (SELECT m.user_id FROM grid_members m JOIN grids g ON g.id = m.grid_id
		JOIN cases c ON c.site_id = g.site_id WHERE c.code = ?) ORDER BY u.name`),
		[]any{string(center.RoleGridWorker), string(center.RoleGridLeader), code},
		func(row scanner) (center.User, error) { return scanUser(row) })
}

// AssignFollowUp implements center.PhoneStore.
func (s *Store) AssignFollowUp(ctx context.Context, code, user, by, dueOn string, at time.Time) (center.FollowUpTask, error) {
	t := center.FollowUpTask{Code: code, User: user, AssignedBy: by, AssignedAt: at.UTC(), DueOn: dueOn}
	err := s.db.QueryRowContext(ctx, s.rebind(`INSERT INTO followup_tasks (case_code, user_id, assigned_by, assigned_at, due_on)
		SELECT c.code, u.id, ?, ?, ? FROM cases c, users u WHERE c.code = ? AND u.name = ? RETURNING id, user_id`),
		by, micros(at), dueOn, code, user).Scan(&t.ID, &t.UserID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.Errorf(app.ENOTFOUND, "no such case or user")
	}
	return t, dbErr("assign follow-up", err)
}

const taskSelect = `SELECT t.id, t.case_code, t.user_id, u.name, t.assigned_by, t.assigned_at, t.due_on, t.done_at, t.outcome,
	c.category, c.status, c.masked_name, coalesce(g.name, '')
	FROM followup_tasks t JOIN users u ON u.id = t.user_id JOIN cases c ON c.code = t.case_code
	LEFT JOIN grids g ON g.id = c.grid_id `

func scanTask(row scanner) (center.FollowUpTask, error) {
	var t center.FollowUpTask
	var assigned int64
	var done sql.NullInt64
	var status string
	err := row.Scan(&t.ID, &t.Code, &t.UserID, &t.User, &t.AssignedBy, &assigned, &t.DueOn, &done, &t.Outcome,
		&t.Category, &status, &t.MaskedName, &t.Grid)
	t.AssignedAt, t.DoneAt, t.Status = time.UnixMicro(assigned).UTC(), fromMicros(done), app.CaseStatus(status)
	return t, err
}

// FollowUpTasks implements center.PhoneStore: every open task, and the 20 latest done.
func (s *Store) FollowUpTasks(ctx context.Context, userID int64) ([]center.FollowUpTask, error) {
	open, err := queryAll(ctx, s, "read follow-up tasks", s.rebind(taskSelect+
		"WHERE t.user_id = ? AND t.done_at IS NULL ORDER BY t.assigned_at, t.id"), []any{userID}, scanTask)
	if err != nil {
		return nil, err
	}
	done, err := queryAll(ctx, s, "read follow-up tasks", s.rebind(taskSelect+
		"WHERE t.user_id = ? AND t.done_at IS NOT NULL ORDER BY t.done_at DESC, t.id DESC LIMIT 20"), []any{userID}, scanTask)
	return append(open, done...), err
}

// CaseFollowUpTasks implements center.PhoneStore.
func (s *Store) CaseFollowUpTasks(ctx context.Context, code string) ([]center.FollowUpTask, error) {
	return queryAll(ctx, s, "read case follow-up tasks", s.rebind(taskSelect+"WHERE t.case_code = ? ORDER BY t.id DESC"),
		[]any{code}, scanTask)
}

// CompleteFollowUp implements center.PhoneStore: the task is claimed and the follow-up queued for
// the case's hall in one transaction, so a repeated request records nothing twice.
func (s *Store) CompleteFollowUp(ctx context.Context, id int64, user center.User, outcome, note string, at time.Time) (center.FollowUpTask, error) {
	t, err := scanTask(s.db.QueryRowContext(ctx, s.rebind(taskSelect+"WHERE t.id = ? AND t.user_id = ?"), id, user.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, app.Errorf(app.ENOTFOUND, "no such follow-up task")
	}
	if err != nil {
		return t, dbErr("read follow-up task", err)
	}
	_, err = s.caseWork(ctx, t.Code, func(tx *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE followup_tasks SET done_at = ?, outcome = ?
			WHERE id = ? AND done_at IS NULL`), micros(at), outcome, id)
		if err != nil {
			return nil, dbErr("complete follow-up task", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, app.Errorf(app.ECONFLICT, "the follow-up task is done already")
		}
		return followUpChanges(cs, note, user.Name, now), nil
	})
	if err != nil {
		return t, err
	}
	done := at.UTC()
	t.DoneAt, t.Outcome = &done, outcome
	return t, nil
}
