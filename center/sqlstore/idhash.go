package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"fengqiao/app"
	"fengqiao/center"
)

// MinIDKey is the shortest key SetIDKey takes, in bytes.
const MinIDKey = 32

// SetIDKey sets the centre's secret key for the keyed hash of ID numbers (app.IDHash), which
// cases keep in id_hash to match repeat visitors after retention has cleared the number. Without
// a key no hash is computed. Call it before the store serves.
func (s *Store) SetIDKey(key []byte) error {
	if len(key) < MinIDKey {
		return app.Errorf(app.EINVALID, "the ID key has %d bytes; it needs at least %d", len(key), MinIDKey)
	}
	s.idKey = key
	return nil
}

// idHash returns the keyed hash of an ID number, "" without a key or a number.
func (s *Store) idHash(number string) string {
	if len(s.idKey) == 0 || number == "" {
		return ""
	}
	return app.IDHash(s.idKey, number)
}

// fillGridAndHash completes a case about to be written: the small grid its hall named (by name,
// in the case's village) and the hash of the visitor's ID number once the centre has it.
func (s *Store) fillGridAndHash(ctx context.Context, tx *sql.Tx, cs *center.CaseState) error {
	if cs.IDHash == "" && cs.Identity != nil {
		cs.IDHash = s.idHash(cs.Identity.IDNumber)
	}
	if cs.Grid != 0 || cs.Case.Grid == "" {
		return nil
	}
	err := tx.QueryRowContext(ctx, s.rebind("SELECT id FROM grids WHERE site_id = ? AND name = ? AND parent_id IS NOT NULL"),
		cs.Site, cs.Case.Grid).Scan(&cs.Grid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // a grid the centre does not know: the case keeps no grid
	}
	return dbErr("find the case's grid", err)
}

// BackfillIDHashes fills id_hash for the cases that hold an ID number and no hash yet (cases
// synced before the key was set), and returns how many it filled. It needs the key.
func (s *Store) BackfillIDHashes(ctx context.Context) (int, error) {
	if len(s.idKey) == 0 {
		return 0, app.Errorf(app.EINVALID, "no ID key: nothing to hash with")
	}
	const batch = 500
	total := 0
	for {
		type pending struct{ code, number string }
		rows, err := queryAll(ctx, s, "read unhashed cases", s.rebind(`SELECT code, id_number FROM cases
			WHERE id_hash = '' AND id_number <> '' ORDER BY code LIMIT ?`), []any{batch},
			func(row scanner) (pending, error) {
				var p pending
				err := row.Scan(&p.code, &p.number)
				return p, err
			})
		if err != nil || len(rows) == 0 {
			return total, err
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, p := range rows {
				if _, err := tx.ExecContext(ctx, s.rebind("UPDATE cases SET id_hash = ? WHERE code = ? AND id_hash = ''"),
					s.idHash(p.number), p.code); err != nil {
					return dbErr("fill ID hash", err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(rows)
	}
}

var _ center.WarningStore = (*Store)(nil)

// RepeatCases implements center.WarningStore. Visitors are numbered in the order of their
// hashes, which stay here.
func (s *Store) RepeatCases(ctx context.Context, scope center.Scope) ([]center.RepeatCase, error) {
	where, args := scoped("site_id", scope)
	outer, outerArgs := scoped("c.site_id", scope)
	var last string
	n := 0
	return queryAll(ctx, s, "read repeat visitors", s.rebind(`SELECT c.id_hash, c.code, c.site_id, c.service, c.category,
		c.status, c.source, c.opened_at, c.masked_name, c.masked_id_number FROM cases c
		WHERE c.id_hash IN (SELECT id_hash FROM cases WHERE id_hash <> ''`+where+` GROUP BY id_hash HAVING count(*) >= 2)`+
		outer+` ORDER BY c.id_hash, c.opened_at, c.code`), append(args, outerArgs...),
		func(row scanner) (center.RepeatCase, error) {
			var c center.RepeatCase
			var hash, status, source string
			var opened int64
			err := row.Scan(&hash, &c.Code, &c.Site, &c.Service, &c.Category, &status, &source, &opened, &c.MaskedName, &c.MaskedID)
			if hash != last {
				last, n = hash, n+1
			}
			c.Visitor, c.Status, c.Source, c.OpenedAt = n, app.CaseStatus(status), app.CaseSource(source), time.UnixMicro(opened).UTC()
			return c, err
		})
}
