package sqlstore

import (
	"context"
	"database/sql"

	"fengqiao/center"
)

// ImportCases writes cases and their history directly, with multi-row INSERTs in one
// transaction, bypassing the event log. It is for loading test and benchmark data in bulk;
// halls always go through ApplyBatch.
func (s *Store) ImportCases(ctx context.Context, cases []*center.CaseState, entries []center.Entry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, cs := range cases {
			cs.Changed = true
		}
		if err := s.writeCases(ctx, tx, cases); err != nil {
			return err
		}
		return s.writeEntries(ctx, tx, entries)
	})
}

// CaseCodes returns up to limit case codes, for load generators.
func (s *Store) CaseCodes(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind("SELECT code FROM cases ORDER BY code LIMIT ?"), limit)
	if err != nil {
		return nil, dbErr("read case codes", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, dbErr("read case codes", err)
		}
		out = append(out, c)
	}
	return out, dbErr("read case codes", rows.Err())
}
