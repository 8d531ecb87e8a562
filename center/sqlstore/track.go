package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// Track implements center.WebStore in two round trips: the case with who works it and the status
// lines of its history, then the sites the page names.
func (s *Store) Track(ctx context.Context, code, town string) (center.Tracked, error) {
	var t center.Tracked
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind(`SELECT c.service, c.category, c.status, c.result, c.unit, c.handling,
		c.department, c.follow_up_on, c.opened_at, c.masked_name, s.name, s.phone, c.owner, c.site_id,
		coalesce(c.worker_site_id, 0), e.status, e.at
		FROM cases c JOIN sites s ON s.id = c.site_id
		LEFT JOIN case_entries e ON e.code = c.code AND e.kind = 'status'
		WHERE c.code = ? ORDER BY e.id`), code)
	if err != nil {
		return t, dbErr("track case", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var status, result string
		var opened int64
		var estatus sql.NullString
		var eat sql.NullInt64
		if err := rows.Scan(&t.Service, &t.Category, &status, &result, &t.Unit, &t.Handling, &t.Department,
			&t.FollowUpOn, &opened, &t.MaskedName, &t.Site, &t.SitePhone, &t.Work.Owner, &t.Work.Site, &t.Work.WorkerSite,
			&estatus, &eat); err != nil {
			return t, dbErr("track case", err)
		}
		if !found {
			found = true
			t.Code, t.Status, t.Result = code, app.CaseStatus(status), app.CaseResult(result)
			t.OpenedAt = time.UnixMicro(opened).UTC()
			t.Reached = map[app.CaseStatus]time.Time{}
		}
		if estatus.Valid && eat.Valid {
			st := app.CaseStatus(estatus.String)
			if _, seen := t.Reached[st]; !seen {
				t.Reached[st] = time.UnixMicro(eat.Int64).UTC()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return t, dbErr("track case", err)
	}
	if !found {
		return center.Tracked{}, app.Errorf(app.ENOTFOUND, "no such case")
	}
	rows.Close()
	t.Sites, err = queryAll(ctx, s, "read the tracked case's sites", s.rebind("SELECT "+siteColumns+
		" FROM sites WHERE id = ? OR id = ? OR name = ? ORDER BY id"), []any{t.Work.Site, t.Work.WorkerSite, town}, scanSite)
	return t, err
}
