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
	var err error
	page.Counts, err = queryAll(ctx, s, "count overdue cases", s.rebind(`SELECT c.site_id, c.service, c.category, c.status, count(*)`+
		from+` GROUP BY 1, 2, 3, 4`), args, func(r scanner) (center.LedgerCount, error) {
		var c center.LedgerCount
		var status string
		err := r.Scan(&c.Site, &c.Service, &c.Category, &status, &c.N)
		c.Status = app.CaseStatus(status)
		return c, err
	})
	if err != nil {
		return page, false, err
	}
	args = append(append([]any{micros(now)}, args...), kinds.Services, kinds.Categories, limit)
	// The page found from the index alone (cases_open_deadline), then its cases read.
	page.First, err = queryAll(ctx, s, "read overdue cases", s.rebind(`SELECT c.code, c.site_id, c.service, c.category, c.status,
		c.result, c.opened_at, c.masked_name, c.owner, coalesce(c.worker_site_id, 0), c.accepted_at, c.source
		FROM (SELECT c.code, (? - `+overdueDeadline+`) / `+strconv.FormatInt(dayMicros, 10)+` AS days`+from+`
			AND (c.service = ANY(?) OR c.service || '/' || c.category = ANY(?)) ORDER BY days DESC, c.code LIMIT ?) p
		JOIN cases c ON c.code = p.code ORDER BY p.days DESC, p.code`), args, func(r scanner) (center.LedgerRow, error) {
		var x center.LedgerRow
		var status, result, owner, source string
		var opened int64
		var accepted sql.NullInt64
		err := r.Scan(&x.Code, &x.Site, &x.Service, &x.Category, &status, &result, &opened, &x.MaskedName, &owner,
			&x.WorkerSite, &accepted, &source)
		x.Status, x.Result, x.Owner, x.Source = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner), app.CaseSource(source)
		x.OpenedAt, x.AcceptedAt = time.UnixMicro(opened).UTC(), fromMicros(accepted)
		return x, err
	})
	return page, err == nil, err
}
