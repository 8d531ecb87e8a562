package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// caseListColumns are the columns of a center.CaseListRow, read by scanListRow.
const caseListColumns = `c.code, c.site_id, coalesce(c.worker_site_id, 0), c.service, c.category, c.status, c.result,
	c.owner, c.unit, c.opened_at, c.masked_name, c.masked_id_number, c.escalation_accepted_at,
	(SELECT min(e.at) FROM case_entries e WHERE e.code = c.code AND e.kind = 'escalated'),
	(SELECT min(e.at) FROM case_entries e WHERE e.code = c.code AND e.kind = 'status' AND e.status = 'accepted')`

func scanListRow(row scanner) (center.CaseListRow, error) {
	var r center.CaseListRow
	var status, result string
	var opened int64
	var acc, esc, accepted sql.NullInt64
	err := row.Scan(&r.Code, &r.Site, &r.WorkerSite, &r.Service, &r.Category, &status, &result, &r.Owner, &r.Unit,
		&opened, &r.MaskedName, &r.MaskedID, &acc, &esc, &accepted)
	r.Status, r.Result, r.OpenedAt = app.CaseStatus(status), app.CaseResult(result), time.UnixMicro(opened).UTC()
	r.EscAccepted, r.Escalated, r.AcceptedAt = fromMicros(acc), fromMicros(esc), fromMicros(accepted)
	return r, err
}

// where collects the conditions of a query and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// scope limits a case query to the cases a scoped user may see: those of their site or region's
// halls, and those handed to one of them.
func (w *where) scope(scope center.Scope) {
	own, args := scopeOf("c.site_id", scope)
	if own == "" {
		return
	}
	worker, more := scopeOf("c.worker_site_id", scope)
	w.add("("+own+" OR "+worker+")", append(args, more...)...)
}

const openStatus = "c.status NOT IN ('closed', 'rejected')"

// ListCases implements center.CaseWorkStore. Every filter is a condition on cases' own columns (the
// overdue test reads the acceptance time of open cases only), and the page is a keyset on
// (opened_at, code), so a page costs an index range scan however deep it is. The site filter
// is an OR of up to three kinds of case; each is read as its own ordered range and the pages
// merged, as one OR would make the database read and sort every case of the site.
func (s *Store) ListCases(ctx context.Context, scope center.Scope, f center.CaseFilter, now time.Time) (center.CaseList, error) {
	var w where
	if s.postgres && scope.Site == 0 && len(scope.Sites) > 0 {
		// A region's halls as a list, not the sub-query of scopeOf: the planner then reads their
		// cases by site and sorts the page, where it would walk every case of the centre in
		// (opened_at, code) order looking for a town's.
		w.add("(c.site_id = ANY(?) OR c.worker_site_id = ANY(?))", scope.Sites, scope.Sites)
	} else {
		w.scope(scope)
	}
	if f.Origin != 0 {
		w.add("c.site_id = ?", f.Origin)
	}
	for _, eq := range [][2]string{{"c.service", f.Service}, {"c.category", f.Category}, {"c.status", string(f.Status)},
		{"c.owner", string(f.Owner)}, {"c.code", f.Code}} {
		if eq[1] != "" {
			w.add(eq[0]+" = ?", eq[1])
		}
	}
	switch f.Stage {
	case center.StagePending:
		w.add("c.status = 'registered'")
	case center.StageOpen:
		w.add(openStatus + " AND c.status <> 'registered'")
	case center.StageDone:
		w.add("c.status IN ('closed', 'rejected')")
	}
	switch f.Escalated {
	case center.EscalatedAny:
		w.add("c.owner = 'centre'")
	case center.EscalatedInbox:
		w.add("c.owner = 'centre' AND c.escalation_accepted_at IS NULL")
	case center.EscalatedNone:
		w.add("c.owner = 'hall'")
	}
	switch f.Source {
	case center.SourceHall:
		w.add("c.owner = 'hall'")
	case center.SourceEscalated:
		w.add("c.owner = 'centre'")
	}
	if f.Overdue {
		overdue(&w, f.Services, now)
	}
	if !f.From.IsZero() {
		w.add("c.opened_at >= ?", micros(f.From))
	}
	if !f.To.IsZero() {
		w.add("c.opened_at < ?", micros(f.To))
	}
	if f.After != nil {
		w.add("(c.opened_at, c.code) < (?, ?)", micros(f.After.OpenedAt), f.After.Code) // a row value: an index bound
	}
	limit := f.Limit
	if limit <= 0 || limit > center.CasePageSize {
		limit = center.CasePageSize
	}
	branches := []where{{}}
	if f.Site != 0 {
		branches = []where{{conds: []string{"c.owner = 'hall' AND c.site_id = ?"}, args: []any{f.Site}},
			{conds: []string{"c.worker_site_id = ?"}, args: []any{f.Site}}}
		if f.Site == f.Town {
			branches = append(branches, where{conds: []string{"c.owner = 'centre' AND c.worker_site_id IS NULL"}})
		}
	}
	var rows []center.CaseListRow
	for _, b := range branches {
		q := where{conds: append(slices.Clone(w.conds), b.conds...), args: append(slices.Clone(w.args), b.args...)}
		part, err := queryAll(ctx, s, "list cases", s.rebind("SELECT "+caseListColumns+" FROM cases c"+q.String()+
			" ORDER BY c.opened_at DESC, c.code DESC LIMIT ?"), append(q.args, limit+1), scanListRow)
		if err != nil {
			return center.CaseList{}, err
		}
		rows = append(rows, part...)
	}
	if len(branches) > 1 {
		// The branches are disjoint: hall-owned, handed over, worked by the centre.
		slices.SortFunc(rows, func(a, b center.CaseListRow) int {
			return cmp.Or(b.OpenedAt.Compare(a.OpenedAt), cmp.Compare(b.Code, a.Code))
		})
		rows = rows[:min(len(rows), limit+1)]
	}
	out := center.CaseList{Rows: rows}
	if len(rows) > limit {
		last := rows[limit-1]
		out.Rows, out.Next = rows[:limit], &center.CaseCursor{OpenedAt: last.OpenedAt, Code: last.Code}
	}
	return out, nil
}

// overdue adds the condition of an open case past its service's deadline (center.LedgerRow.Deadline):
// not accepted AcceptDays after it was opened, or not closed HandleDays after its acceptance.
func overdue(w *where, services []app.Service, now time.Time) {
	const day = int64(24 * time.Hour / time.Microsecond)
	var alts []string
	var args []any
	for _, svc := range services {
		if svc.AcceptDays > 0 {
			alts = append(alts, "c.service = ? AND c.status = 'registered' AND c.opened_at < ?")
			args = append(args, svc.Code, micros(now)-int64(svc.AcceptDays)*day)
		}
		if svc.HandleDays > 0 {
			// accepted_at is the first 受理, kept by a trigger on the history (centre migration 008).
			alts = append(alts, "c.service = ? AND c.status <> 'registered' AND coalesce(c.accepted_at, c.opened_at) < ?")
			args = append(args, svc.Code, micros(now)-int64(svc.HandleDays)*day)
		}
	}
	if len(alts) == 0 {
		w.add("1 = 0")
		return
	}
	w.add(openStatus+" AND ("+strings.Join(alts, " OR ")+")", args...)
}

// SearchParty implements center.CaseWorkStore: an exact match on the full name or ID number the
// hall sent privately, answered with the masked identity only.
func (s *Store) SearchParty(ctx context.Context, scope center.Scope, who string) ([]center.CaseListRow, error) {
	col, v := partyKey(who)
	if v == "" {
		return nil, app.Errorf(app.EINVALID, "a name or ID number is needed")
	}
	var w where
	w.add("c."+col+" = ? AND c."+col+" <> ''", v) // the second term lets the partial index serve
	w.scope(scope)
	return queryAll(ctx, s, "search party", s.rebind("SELECT "+caseListColumns+" FROM cases c"+w.String()+
		" ORDER BY c.opened_at DESC, c.code DESC LIMIT ?"), append(w.args, center.CasePageSize), scanListRow)
}

// Escalations implements center.CaseWorkStore: the inbox's cases, and the escalated cases counted
// by origin and current site in one GROUP BY.
func inboxWhere(scope center.Scope) where {
	var w where
	w.add("c.owner = 'centre' AND c.escalation_accepted_at IS NULL AND " + openStatus)
	w.scope(scope)
	return w
}

// InboxCount implements center.CaseWorkStore: a count over the partial indexes of the cases the
// centre owns (migration 006).
func (s *Store) InboxCount(ctx context.Context, scope center.Scope) (int, error) {
	w := inboxWhere(scope)
	var n int
	if err := s.reader(ctx).QueryRowContext(ctx, s.rebind("SELECT count(*) FROM cases c"+w.String()), w.args...).Scan(&n); err != nil {
		return 0, dbErr("count escalation inbox", err)
	}
	return n, nil
}

func (s *Store) Escalations(ctx context.Context, scope center.Scope) (center.EscalationSummary, error) {
	var out center.EscalationSummary
	w := inboxWhere(scope)
	inbox, err := queryAll(ctx, s, "read escalations", s.rebind("SELECT "+caseListColumns+" FROM cases c"+w.String()+
		" ORDER BY c.opened_at, c.code"), w.args, scanListRow)
	if err != nil {
		return out, err
	}
	out.Inbox = inbox
	w = where{}
	w.add("c.owner = 'centre'")
	w.scope(scope)
	out.Groups, err = queryAll(ctx, s, "count escalations", s.rebind(`SELECT c.site_id, coalesce(c.worker_site_id, 0), count(*),
		sum(CASE WHEN `+openStatus+` THEN 1 ELSE 0 END),
		sum(CASE WHEN c.status = 'closed' AND c.result = 'resolved' THEN 1 ELSE 0 END)
		FROM cases c`+w.String()+` GROUP BY c.site_id, c.worker_site_id ORDER BY c.site_id`), w.args,
		func(row scanner) (center.EscalationGroup, error) {
			var g center.EscalationGroup
			err := row.Scan(&g.Site, &g.WorkerSite, &g.Cases, &g.Open, &g.Resolved)
			return g, err
		})
	return out, err
}
