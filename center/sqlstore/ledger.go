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
func (s *Store) LedgerCounts(ctx context.Context, scope center.Scope) ([]center.LedgerCount, error) {
	where, args := scoped("site_id", scope)
	return s.ledgerCounts(ctx, "site_id, '', service, category, status, result, escalated, owner, worker_site_id", where, args)
}

// LedgerMonths implements center.LedgerCounter.
func (s *Store) LedgerMonths(ctx context.Context, scope center.Scope, bySite bool) ([]center.LedgerCount, error) {
	where, args := scoped("site_id", scope)
	// Only registered cases count by month: not the pending and the refused.
	where += " AND status NOT IN ('registered', 'rejected', '')"
	site := "0"
	if bySite {
		site = "site_id"
	}
	return s.ledgerCounts(ctx, site+", month, service, category, status, result, false, '', 0", where, args)
}

// ledgerCounts sums ledger_counts by the columns cols of center.LedgerCount (all but N).
func (s *Store) ledgerCounts(ctx context.Context, cols, where string, args []any) ([]center.LedgerCount, error) {
	q := "SELECT " + cols + ", sum(n) FROM ledger_counts WHERE 1 = 1" + where + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0"
	return queryAll(ctx, s, "read ledger counts", s.rebind(q), args, func(r scanner) (center.LedgerCount, error) {
		var c center.LedgerCount
		var status, result, owner string
		err := r.Scan(&c.Site, &c.Month, &c.Service, &c.Category, &status, &result, &c.Escalated, &owner, &c.WorkerSite, &c.N)
		c.Status, c.Result, c.Owner = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner)
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
				coalesce(worker_site_id, 0) AS worker_site_id, count(*) AS n
				FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`},
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
		const key = "site_id, month, service, category, status, result, escalated, owner, worker_site_id, n"
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
		return nil
	})
	return changed, err
}

// ledgerSets are the grouping sets of LedgerSums, by the GROUPING(site_id, month, category,
// escalated) of their rows (a bit set for each column summed over).
var ledgerSets = map[int]center.LedgerDim{0b1101: center.ByKind, 0b0111: center.BySite, 0b1011: center.ByMonth,
	0b0110: center.ByEscalation}

// LedgerSums implements center.LedgerCounter on PostgreSQL, with one scan of ledger_counts
// summed four ways (GROUPING SETS): a few thousand rows for a city whatever its cases.
func (s *Store) LedgerSums(ctx context.Context, scope center.Scope, kinds center.DisputeKinds) ([]center.LedgerSum, bool, error) {
	if !s.postgres {
		return nil, false, nil
	}
	where, args := scoped("site_id", scope)
	q := `SELECT GROUPING(site_id, month, category, escalated), d, coalesce(site_id, 0), coalesce(month, ''),
		coalesce(service, ''), coalesce(category, ''), status, result, coalesce(escalated, false), coalesce(owner, ''),
		coalesce(worker_site_id, 0), sum(n)
		FROM (SELECT *, coalesce(service = ANY(?) OR service || '/' || category = ANY(?), false) AS d FROM ledger_counts WHERE 1 = 1` + where + `) l
		GROUP BY GROUPING SETS ((d, service, category, status, result), (d, site_id, status, result), (d, month, status, result),
			(d, site_id, escalated, owner, worker_site_id, status, result))
		HAVING sum(n) <> 0 AND (d OR GROUPING(site_id, month, category, escalated) = 13)`
	args = append([]any{kinds.Services, kinds.Categories}, args...)
	sums, err := queryAll(ctx, s, "read ledger sums", s.rebind(q), args, func(r scanner) (center.LedgerSum, error) {
		var x center.LedgerSum
		var set int
		var status, result, owner string
		err := r.Scan(&set, &x.Dispute, &x.Site, &x.Month, &x.Service, &x.Category, &status, &result, &x.Escalated, &owner,
			&x.WorkerSite, &x.N)
		x.Status, x.Result, x.Owner, x.By = app.CaseStatus(status), app.CaseResult(result), app.Owner(owner), ledgerSets[set]
		return x, err
	})
	return sums, true, err
}

// OpenCases implements center.LedgerCounter.
func (s *Store) OpenCases(ctx context.Context, scope center.Scope) ([]center.LedgerRow, error) {
	where, args := scoped("c.site_id", scope)
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
