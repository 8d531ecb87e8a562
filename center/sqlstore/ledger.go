package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.LedgerCounter = (*Store)(nil)

// LedgerCounts implements center.LedgerCounter.
func (s *Store) LedgerCounts(ctx context.Context, scope center.Scope, sources []app.CaseSource) ([]center.LedgerCount, error) {
	where, args := ledgerWhere("l.", scope, sources)
	return s.ledgerCounts(ctx, "l.site_id, '', service, category, status, result, escalated, owner, worker_site_id, source, "+
		gridName, where, args)
}

// LedgerMonths implements center.LedgerCounter.
func (s *Store) LedgerMonths(ctx context.Context, scope center.Scope, sources []app.CaseSource, bySite bool) ([]center.LedgerCount, error) {
	where, args := ledgerWhere("l.", scope, sources)
	// Only registered cases count by month: not the pending and the refused.
	where += " AND status NOT IN ('registered', 'rejected', '')"
	site := "0"
	if bySite {
		site = "l.site_id"
	}
	return s.ledgerCounts(ctx, site+", month, service, category, status, result, false, '', 0, '', ''", where, args)
}

// ledgerWhere selects the cases (of ledger_counts or cases, by the columns' prefix) of the
// scope and the sources (every source when empty), after WHERE 1 = 1.
func ledgerWhere(prefix string, scope center.Scope, sources []app.CaseSource) (string, []any) {
	where, args := scoped(prefix+"site_id", scope)
	return sourced(prefix+"source", sources, where, args)
}

// sourced adds to where and args the condition that the column col is one of the sources, if any.
func sourced(col string, sources []app.CaseSource, where string, args []any) (string, []any) {
	if len(sources) == 0 {
		return where, args
	}
	for _, src := range sources {
		args = append(args, string(src))
	}
	return where + " AND " + col + " IN " + inList(len(sources)), args
}

// ledgerGrids joins ledger_counts l to the grids that gridName names.
const ledgerGrids = " FROM ledger_counts l LEFT JOIN grids g ON g.id = l.grid_id LEFT JOIN grids bg ON bg.id = g.parent_id"

// ledgerCounts sums ledger_counts by the columns cols of center.LedgerCount (all but N).
func (s *Store) ledgerCounts(ctx context.Context, cols, where string, args []any) ([]center.LedgerCount, error) {
	q := "SELECT " + cols + ", sum(n)" + ledgerGrids + " WHERE 1 = 1" + where +
		" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(n) <> 0"
	return queryAll(ctx, s, "read ledger counts", s.rebind(q), args, func(r scanner) (center.LedgerCount, error) {
		var c center.LedgerCount
		var status, result, owner, source string
		err := r.Scan(&c.Site, &c.Month, &c.Service, &c.Category, &status, &result, &c.Escalated, &owner, &c.WorkerSite,
			&source, &c.Grid, &c.N)
		c.Status, c.Result, c.Owner, c.Source = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner), app.CaseSource(source)
		return c, err
	})
}

// LedgerOffset implements center.LedgerCounter.
func (s *Store) LedgerOffset(ctx context.Context) (int, error) {
	var off int
	err := s.db.QueryRowContext(ctx, "SELECT utc_offset FROM ledger_meta").Scan(&off)
	return off, dbErr("read ledger offset", err)
}

// RebuildLedger recomputes the ledger's counts from the cases, with months in the time zone
// utcOffset seconds east of UTC, in one transaction: for a centre configured with another time
// zone, or to check the counts kept as cases changed (it returns how many counts differed).
func (s *Store) RebuildLedger(ctx context.Context, utcOffset int) (changed int, err error) {
	month := "ledger_month(opened_at)"
	if !s.postgres {
		month = "strftime('%Y-%m', opened_at / 1000000 + (SELECT utc_offset FROM ledger_meta), 'unixepoch')"
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		changed = 0
		steps := []struct{ step, q string }{
			{"set ledger offset", "UPDATE ledger_meta SET utc_offset = " + fmt.Sprint(utcOffset)},
			{"mark escalated cases", `UPDATE cases SET escalated = true WHERE NOT escalated
				AND code IN (SELECT code FROM case_entries WHERE kind = 'escalated')`},
			{"mark accepted cases", `UPDATE cases SET accepted_at = (SELECT min(at) FROM case_entries e WHERE e.code = cases.code
				AND e.kind = 'status' AND e.status = 'accepted') WHERE status NOT IN ('closed', 'rejected')`},
			{"count cases", `CREATE TEMPORARY TABLE ledger_fresh AS SELECT site_id, ` + month + ` AS month, service,
				category, status, result, owner = 'centre' OR escalated AS escalated, owner,
				coalesce(worker_site_id, 0) AS worker_site_id, source, coalesce(grid_id, 0) AS grid_id, count(*) AS n
				FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`},
		}
		if !s.postgres {
			steps[1].q = `UPDATE cases SET escalated = 1 WHERE escalated = 0
				AND code IN (SELECT code FROM case_entries WHERE kind = 'escalated')`
		}
		for _, st := range steps {
			if _, err := tx.ExecContext(ctx, st.q); err != nil {
				return dbErr(st.step, err)
			}
		}
		// How many counts the kept table has wrong: rows that differ either way.
		const key = "site_id, month, service, category, status, result, escalated, owner, worker_site_id, source, grid_id, n"
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT `+key+` FROM ledger_fresh EXCEPT SELECT `+key+`
			FROM ledger_counts) d`).Scan(&changed); err != nil {
			return dbErr("compare ledger counts", err)
		}
		var stale int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT `+key+` FROM ledger_counts EXCEPT SELECT `+key+`
			FROM ledger_fresh) d`).Scan(&stale); err != nil {
			return dbErr("compare ledger counts", err)
		}
		changed += stale
		for _, q := range []string{"DELETE FROM ledger_counts", "INSERT INTO ledger_counts (" + key + ") SELECT " + key +
			" FROM ledger_fresh", "DROP TABLE ledger_fresh"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return dbErr("write ledger counts", err)
			}
		}
		if s.postgres {
			return resetLedgerRegions(ctx, tx)
		}
		return nil
	})
	return changed, err
}

// ledgerSets are the grouping sets of LedgerSums, by the GROUPING(site_id, month, category,
// escalated, source, grid) of their rows (a bit set for each column summed over).
var ledgerSets = map[int]center.LedgerDim{0b110111: center.ByKind, 0b011111: center.BySite, 0b101111: center.ByMonth,
	0b011011: center.ByEscalation, 0b111101: center.BySource, 0b011110: center.ByGrid}

// LedgerSums implements center.LedgerCounter on PostgreSQL, with one scan of ledger_counts
// summed six ways (GROUPING SETS): a few thousand rows for a city whatever its cases.
func (s *Store) LedgerSums(ctx context.Context, scope center.Scope, sources []app.CaseSource, kinds center.DisputeKinds) ([]center.LedgerSum, bool, error) {
	if !s.postgres {
		return nil, false, nil
	}
	where, args := ledgerWhere("l.", scope, sources)
	q := `SELECT GROUPING(site_id, month, category, escalated, source, grid), d, coalesce(site_id, 0), coalesce(month, ''),
		coalesce(service, ''), coalesce(category, ''), status, result, coalesce(escalated, false), coalesce(owner, ''),
		coalesce(worker_site_id, 0), coalesce(source, ''), coalesce(grid, ''), sum(n)
		FROM (SELECT l.*, ` + gridName + ` AS grid,
			coalesce(service = ANY(?) OR service || '/' || category = ANY(?), false) AS d` + ledgerGrids + ` WHERE 1 = 1` + where + `) l
		GROUP BY GROUPING SETS ((d, service, category, status, result), (d, site_id, status, result), (d, month, status, result),
			(d, site_id, escalated, owner, worker_site_id, status, result), (d, source, status, result),
			(d, site_id, grid, status, result))
		HAVING sum(n) <> 0 AND (d OR GROUPING(site_id, month, category, escalated, source, grid) = 55)`
	args = append([]any{kinds.Services, kinds.Categories}, args...)
	sums, err := queryAll(ctx, s, "read ledger sums", s.rebind(q), args, func(r scanner) (center.LedgerSum, error) {
		var x center.LedgerSum
		var set int
		var status, result, owner, source string
		err := r.Scan(&set, &x.Dispute, &x.Site, &x.Month, &x.Service, &x.Category, &status, &result, &x.Escalated, &owner,
			&x.WorkerSite, &source, &x.Grid, &x.N)
		x.Status, x.Result, x.Owner, x.By = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner), ledgerSets[set]
		x.Source = app.CaseSource(source)
		return x, err
	})
	return sums, true, err
}

// OpenCases implements center.LedgerCounter.
func (s *Store) OpenCases(ctx context.Context, scope center.Scope, sources []app.CaseSource) ([]center.LedgerRow, error) {
	where, args := ledgerWhere("c.", scope, sources)
	q := `SELECT c.code, c.site_id, c.service, c.category, c.status, c.result, c.opened_at, c.masked_name, c.owner,
		coalesce(c.worker_site_id, 0), c.accepted_at
		FROM cases c WHERE c.status NOT IN ('closed', 'rejected')` + where
	return queryAll(ctx, s, "read open cases", s.rebind(q), args, func(r scanner) (center.LedgerRow, error) {
		var x center.LedgerRow
		var status, result, owner string
		var opened int64
		var accepted sql.NullInt64
		err := r.Scan(&x.Code, &x.Site, &x.Service, &x.Category, &status, &result, &opened, &x.MaskedName, &owner,
			&x.WorkerSite, &accepted)
		x.Status, x.Result, x.Owner = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner)
		x.OpenedAt, x.AcceptedAt = time.UnixMicro(opened).UTC(), fromMicros(accepted)
		return x, err
	})
}
