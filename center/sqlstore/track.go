package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// Track implements center.WebStore in one round trip for a case its hall works: the case with its
// site and the status lines of its history. A case the centre holds takes a second, for the site
// it was handed to or the town's.
func (s *Store) Track(ctx context.Context, code, town string) (center.Tracked, error) {
	var t center.Tracked
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind(trackQuery), code)
	if err != nil {
		return t, dbErr("track case", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status, result string
		var opened int64
		var estatus sql.NullString
		var eat sql.NullInt64
		site, err := scanSite(scanAlso{rows, []any{&t.Service, &t.Category, &status, &result, &t.Unit, &t.Handling,
			&t.Department, &t.FollowUpOn, &opened, &t.MaskedName, &t.Work.Owner, &t.Work.WorkerSite, &estatus, &eat}})
		if err != nil {
			return t, dbErr("track case", err)
		}
		if t.Sites == nil {
			t.Code, t.Status, t.Result = code, app.CaseStatus(status), app.CaseResult(result)
			t.OpenedAt = time.UnixMicro(opened).UTC()
			t.Reached = map[app.CaseStatus]time.Time{}
			t.Site, t.SitePhone, t.Work.Site, t.Sites = site.Name, site.Phone, site.ID, []center.Site{site}
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
	if t.Sites == nil {
		return center.Tracked{}, app.Errorf(app.ENOTFOUND, "no such case")
	}
	if t.Work.Owner != app.OwnerCentre {
		return t, nil
	}
	rows.Close()
	more, err := queryAll(ctx, s, "read the tracked case's sites", s.rebind("SELECT "+siteColumns+
		" FROM sites WHERE id = ? OR name = ? ORDER BY id"), []any{t.Work.WorkerSite, town}, scanSite)
	t.Sites = append(t.Sites, more...)
	return t, err
}

// trackQuery reads a case with its site (siteColumns first, of sites s) and the status lines of its
// history.
var trackQuery = `SELECT s.id, s.name, s.applied_through, s.last_seq, s.phone, s.last_push_at, s.last_pull_at, s.backlog,
	s.catalogue, coalesce(s.region_id, 0), c.service, c.category, c.status, c.result, c.unit, c.handling,
	c.department, c.follow_up_on, c.opened_at, c.masked_name, c.owner, coalesce(c.worker_site_id, 0), e.status, e.at
	FROM cases c JOIN sites s ON s.id = c.site_id
	LEFT JOIN case_entries e ON e.code = c.code AND e.kind = 'status'
	WHERE c.code = ? ORDER BY e.id`

// scanAlso scans the columns a scan function reads, then the others of the row into also.
type scanAlso struct {
	rows *sql.Rows
	also []any
}

func (s scanAlso) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.also...)...) }
