package sqlstore

import (
	"context"
	"database/sql"

	"fengqiao/app"
	"fengqiao/center"
)

var _ center.RegionCounter = (*Store)(nil)

// ledgerFoldLock serialises the folds of ledger_log (an advisory lock of the transaction), so
// that two folds neither deadlock on ledger_regions nor sum a change twice.
const ledgerFoldLock = 7446016

// FoldLedgerLog sums the changes logged in ledger_log into ledger_regions (centre migration 016):
// each change into its town, the town's county and city, and region 0, every hall, in its month
// and under an empty month (all months, which the figures of the regions below a view read). The
// changes a fold sees are deleted in the same transaction, so each is summed once. Readers do not
// wait for it: they add what is still in the log to the sums (RegionCounts). `fengqiao-center
// serve` folds every second so that the log stays short; a fold that finds another node's fold
// running leaves the log to it. Nothing on SQLite, which keeps no sums by region.
func (s *Store) FoldLedgerLog(ctx context.Context) error {
	if !s.postgres {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var mine bool
		if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", ledgerFoldLock).Scan(&mine); err != nil {
			return dbErr("lock ledger log", err)
		}
		if !mine {
			return nil // another fold is running
		}
		_, err := tx.ExecContext(ctx, foldLedgerLog)
		return dbErr("fold ledger log", err)
	})
}

// foldLedgerLog moves the logged changes into ledger_regions: each into its town, the town's
// county and city, and region 0, in its month and in the empty month.
const foldLedgerLog = `WITH moved AS (DELETE FROM ledger_log
				RETURNING town_id, month, service, category, status, result, source, n),
			up AS (SELECT a.region_id, mo.month, m.service, m.category, m.status, m.result, m.source, m.n
				FROM moved m` + changeRegions + `
				CROSS JOIN LATERAL (VALUES (m.month), ('')) AS mo(month)
				WHERE a.region_id IS NOT NULL)
			INSERT INTO ledger_regions AS r (region_id, month, service, category, status, result, source, n)
			SELECT region_id, month, service, category, status, result, source, sum(n) FROM up GROUP BY 1, 2, 3, 4, 5, 6, 7
			ON CONFLICT (region_id, month, service, category, status, result, source) DO UPDATE SET n = r.n + excluded.n`

// resetLedgerRegions sums ledger_regions afresh from ledger_counts, as centre migration 016 did:
// the whole counts logged as changes and folded at once, in the caller's transaction. (Leaving
// them to the next reader made that reader fold every count of the city — 11 s at 1,000,000
// cases on the quiet machine — and a dashboard request that gave up first rolled the fold back.)
func resetLedgerRegions(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", ledgerFoldLock); err != nil {
		return dbErr("lock ledger log", err)
	}
	for _, q := range []string{"DELETE FROM ledger_log", "DELETE FROM ledger_regions",
		`INSERT INTO ledger_log (town_id, month, service, category, status, result, source, n)
		SELECT coalesce(s.region_id, 0), l.month, l.service, l.category, l.status, l.result, l.source, l.n
		FROM ledger_counts l JOIN sites s ON s.id = l.site_id`, foldLedgerLog} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return dbErr("reset ledger regions", err)
		}
	}
	return nil
}

// RegionCounts implements center.RegionCounter on PostgreSQL, from ledger_regions: the rows of
// one region by month and those of the regions below it over all months (an empty month), a few
// thousand whatever the cases, each with what ledger_log holds for it not yet folded in. Sums and
// log are read by one statement, so from one snapshot: a fold that commits meanwhile moves
// changes from the log to the sums, which the statement sees either before or after.
func (s *Store) RegionCounts(ctx context.Context, region int64, sources []app.CaseSource) (own, below []center.LedgerCount, ok bool, err error) {
	if !s.postgres {
		return nil, nil, false, nil
	}
	where, args := sourced("source", sources, "", []any{region, region})
	own, err = queryAll(ctx, s, "read region counts", s.rebind(`SELECT 0, month, service, category, status, result, source, sum(n)
		FROM (SELECT month, service, category, status, result, source, n FROM ledger_regions
				WHERE region_id = ? AND month <> ''
			UNION ALL SELECT m.month, m.service, m.category, m.status, m.result, m.source, m.n FROM ledger_log m`+changeRegions+`
				WHERE a.region_id = ?) x
		WHERE true`+where+` GROUP BY month, service, category, status, result, source HAVING sum(n) <> 0`), args, scanRegionCount)
	if err != nil {
		return nil, nil, false, err
	}
	children := "parent_id = ?"
	args = args[1:]
	if region == 0 {
		children, args = "parent_id IS NULL", args[1:]
	}
	below, err = queryAll(ctx, s, "read region counts", s.rebind(`WITH below AS (SELECT id FROM regions WHERE `+children+`)
		SELECT region_id, '', service, category, status, result, '', sum(n)
		FROM (SELECT region_id, service, category, status, result, source, n FROM ledger_regions
				WHERE region_id IN (SELECT id FROM below) AND month = ''
			UNION ALL SELECT a.region_id, m.service, m.category, m.status, m.result, m.source, m.n FROM ledger_log m`+changeRegions+`
				WHERE a.region_id IN (SELECT id FROM below)) x
		WHERE true`+where+` GROUP BY region_id, service, category, status, result HAVING sum(n) <> 0`), args, scanRegionCount)
	return own, below, err == nil, err
}

// changeRegions joins a logged change m (a row of ledger_log) to each region a.region_id that
// counts it: its town, the town's county and city, and 0 (NULL where the hall has no such
// region). The fold and the readers of the unfolded log share it, so they count a change alike.
const changeRegions = ` LEFT JOIN regions t ON t.id = m.town_id LEFT JOIN regions c ON c.id = t.parent_id
	LEFT JOIN regions p ON p.id = c.parent_id
	CROSS JOIN LATERAL (VALUES (0::bigint), (t.id), (c.id), (p.id)) AS a(region_id)`

func scanRegionCount(r scanner) (center.LedgerCount, error) {
	var c center.LedgerCount
	var status, result, source string
	err := r.Scan(&c.Site, &c.Month, &c.Service, &c.Category, &status, &result, &source, &c.N)
	c.Status, c.Result, c.Source = app.CaseStatus(status), app.CaseResult(result), app.CaseSource(source)
	return c, err
}
