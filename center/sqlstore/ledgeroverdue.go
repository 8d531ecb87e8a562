package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.OverdueCounter = (*Store)(nil)

// dayMicros is a day in the microseconds of the cases' times: a deadline is days after a UTC
// time (LedgerRow.Deadline), so whole days of 24 hours.
const dayMicros = int64(24 * time.Hour / time.Microsecond)

// overdueDeadline is an open case's deadline (center.LedgerRow.Deadline) with the service's limits
// dl.accept_us and dl.handle_us (0: none); NULL when it has none.
const overdueDeadline = `CASE WHEN c.status = 'registered' THEN c.opened_at + nullif(dl.accept_us, 0)
	WHEN c.status <> '' THEN coalesce(c.accepted_at, c.opened_at) + nullif(dl.handle_us, 0) END`

// OverdueCases implements center.OverdueCounter on PostgreSQL: the overdue cases counted where
// they are, and the first page of the disputes read, from the open cases of the scope (the
// partial indexes cases_open and cases_open_site).
func (s *Store) OverdueCases(ctx context.Context, scope center.Scope, sources []app.CaseSource, services []app.Service,
	kinds center.DisputeKinds, now time.Time, limit int) (center.OverduePage, bool, error) {
	var page center.OverduePage
	if !s.postgres {
		return page, false, nil
	}
	codes := make([]string, len(services))
	accept, handle := make([]int64, len(services)), make([]int64, len(services))
	for i, svc := range services {
		codes[i], accept[i], handle[i] = svc.Code, int64(svc.AcceptDays)*dayMicros, int64(svc.HandleDays)*dayMicros
	}
	where, args := ledgerWhere("c.", scope, sources)
	args = append(append([]any{codes, accept, handle}, args...), micros(now))
	from := ` FROM cases c JOIN unnest(?::text[], ?::bigint[], ?::bigint[]) AS dl(service, accept_us, handle_us)
		ON dl.service = c.service WHERE c.status NOT IN ('closed', 'rejected')` + where + ` AND ` + overdueDeadline + ` < ?`
	// One scan of the open cases (cases_open_deadline): the overdue disputes counted by site, the
	// other accepted cases by site and service, and the codes of the first page of the disputes,
	// most overdue first.
	args = append(append([]any{micros(now), kinds.Services, kinds.Categories}, args...), limit)
	type found struct {
		kind  string
		count center.LedgerCount
		code  string
	}
	rows, err := queryAll(ctx, s, "count overdue cases", s.rebind(`WITH o AS MATERIALIZED (SELECT c.code, c.site_id,
			c.service, c.status, (? - `+overdueDeadline+`) / `+strconv.FormatInt(dayMicros, 10)+` AS days,
			coalesce(c.service = ANY(?) OR c.service || '/' || c.category = ANY(?), false) AS dispute`+from+`)
		SELECT 'd', site_id, '', count(*), '' FROM o WHERE dispute GROUP BY site_id
		UNION ALL SELECT 'l', site_id, service, count(*), '' FROM o
			WHERE NOT dispute AND status NOT IN ('registered', 'rejected', '') GROUP BY site_id, service
		UNION ALL (SELECT 'p', 0, '', 0, code FROM o WHERE dispute ORDER BY days DESC, code LIMIT ?)`), args,
		func(r scanner) (found, error) {
			var f found
			err := r.Scan(&f.kind, &f.count.Site, &f.count.Service, &f.count.N, &f.code)
			return f, err
		})
	if err != nil {
		return page, false, err
	}
	var first []string
	for _, f := range rows {
		switch f.kind {
		case "d":
			page.Disputes = append(page.Disputes, f.count)
		case "l":
			page.Late = append(page.Late, f.count)
		default:
			first = append(first, f.code) // in the page's order
		}
	}
	if len(first) == 0 {
		return page, true, nil
	}
	byCode := map[string]center.LedgerRow{}
	_, err = queryAll(ctx, s, "read overdue cases", s.rebind(`SELECT c.code, c.site_id, c.service, c.category, c.status,
		c.result, c.opened_at, c.masked_name, c.owner, coalesce(c.worker_site_id, 0), c.accepted_at, c.source
		FROM cases c WHERE c.code = ANY(?)`), []any{first}, func(r scanner) (struct{}, error) {
		var x center.LedgerRow
		var status, result, owner, source string
		var opened int64
		var accepted sql.NullInt64
		err := r.Scan(&x.Code, &x.Site, &x.Service, &x.Category, &status, &result, &opened, &x.MaskedName, &owner,
			&x.WorkerSite, &accepted, &source)
		x.Status, x.Result, x.Owner, x.Source = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner), app.CaseSource(source)
		x.OpenedAt, x.AcceptedAt = time.UnixMicro(opened).UTC(), fromMicros(accepted)
		byCode[x.Code] = x
		return struct{}{}, err
	})
	for _, c := range first {
		if x, ok := byCode[c]; ok {
			page.First = append(page.First, x)
		}
	}
	return page, err == nil, err
}
