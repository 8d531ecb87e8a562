package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// lockPush locks the site's row for a push, as lockSite, and reads in the same statement the
// site's record of the push's epoch, if it has one: one round trip where a push of a hall that
// sends its epoch (every hall since epochs) would otherwise take two.
func (s *Store) lockPush(ctx context.Context, tx *sql.Tx, id int64, epoch string) (appliedThrough int64, known *siteEpoch, err error) {
	q := `SELECT s.applied_through, e.legacy_through, e.recovered_through FROM sites s
		LEFT JOIN site_epochs e ON e.site_id = s.id AND e.epoch = ? WHERE s.id = ?`
	if s.postgres {
		q += " FOR UPDATE OF s"
	}
	var legacy, recovered sql.NullInt64
	err = tx.QueryRowContext(ctx, s.rebind(q), epoch, id).Scan(&appliedThrough, &legacy, &recovered)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, app.Errorf(app.ENOTFOUND, "no such site")
	}
	if err != nil {
		return 0, nil, dbErr("lock site", err)
	}
	if legacy.Valid {
		known = &siteEpoch{legacyThrough: legacy.Int64, recoveredThrough: recovered.Int64}
	}
	return appliedThrough, known, nil
}

// siteEpoch is a row of site_epochs.
type siteEpoch struct {
	legacyThrough    int64
	recoveredThrough int64
}

// registerEpoch returns the site's record of epoch, creating it when the site first shows it. The
// first epoch a site ever shows takes over the events from before epochs (up to hwm). The caller
// holds the site's lock.
func (s *Store) registerEpoch(ctx context.Context, tx *sql.Tx, siteID int64, epoch string, hwm int64) (siteEpoch, error) {
	var e siteEpoch
	err := tx.QueryRowContext(ctx, s.rebind(`SELECT legacy_through, recovered_through FROM site_epochs
		WHERE site_id = ? AND epoch = ?`), siteID, epoch).Scan(&e.legacyThrough, &e.recoveredThrough)
	if err == nil {
		return e, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return e, dbErr("read site epoch", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.rebind("SELECT count(*) FROM site_epochs WHERE site_id = ?"), siteID).Scan(&n); err != nil {
		return e, dbErr("read site epochs", err)
	}
	if n == 0 {
		e.legacyThrough = hwm
	}
	_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO site_epochs (site_id, epoch, legacy_through, first_seen_at)
		VALUES (?, ?, ?, ?)`), siteID, epoch, e.legacyThrough, micros(s.now()))
	return e, dbErr("record site epoch", err)
}

// checkEpoch refuses (app.EEPOCHBEHIND) a push whose events overlap ids the centre applied under
// another epoch of the site, beyond what the pushing hall recovered: such events are not
// duplicates but a restored hall's new events, and skipping them as duplicates would lose them.
// A push without an epoch (a hall from before epochs) is not checked.
// known is the site's record of the push's epoch when the caller read it with the lock
// (lockPush), nil to read or create it here.
func (s *Store) checkEpoch(ctx context.Context, tx *sql.Tx, siteID, hwm int64, req wire.PushRequest, known *siteEpoch) error {
	if req.Epoch == "" || len(req.Events) == 0 {
		return nil
	}
	e := known
	if e == nil {
		reg, err := s.registerEpoch(ctx, tx, siteID, req.Epoch, hwm)
		if err != nil {
			return err
		}
		e = &reg
	}
	// The hall's own claim counts only as far as the centre saw it recover.
	lo := max(min(req.RecoveredThrough, e.recoveredThrough), e.legacyThrough, req.Events[0].ID-1)
	hi := min(req.Events[len(req.Events)-1].ID, hwm)
	if lo >= hi {
		return nil
	}
	var other int64
	if err := tx.QueryRowContext(ctx, s.rebind(`SELECT count(*) FROM events
		WHERE site_id = ? AND event_id > ? AND event_id <= ? AND epoch <> ?`), siteID, lo, hi, req.Epoch).Scan(&other); err != nil {
		return dbErr("check epoch", err)
	}
	if other > 0 {
		return app.Errorf(app.EEPOCHBEHIND, "events %d to %d were applied under another epoch of this hall: "+
			"recover them first (GET /api/v1/sync/recover?after=%d)", lo+1, hi, lo)
	}
	return nil
}

// Recover implements center.Store: the site's events after after, up to limit, with the identity
// the centre holds for each case's first event, and the changes above pulled whose echo the
// centre has received. It records how far the hall of epoch has recovered.
func (s *Store) Recover(ctx context.Context, siteID int64, epoch string, after, pulled int64, limit int) (wire.RecoverReply, error) {
	reply := wire.RecoverReply{Events: []wire.Event{}, Epochs: []string{}, Echoed: []int64{}}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		hwm, err := s.lockSite(ctx, tx, siteID)
		if err != nil {
			return err
		}
		reply.AppliedThrough = hwm
		if reply.Events, err = s.siteEvents(ctx, tx, siteID, after, limit); err != nil {
			return err
		}
		if reply.Echoed, err = s.echoed(ctx, tx, siteID, pulled); err != nil {
			return err
		}
		if epoch != "" {
			if _, err := s.registerEpoch(ctx, tx, siteID, epoch, hwm); err != nil {
				return err
			}
			through := min(after, hwm)
			if n := len(reply.Events); n > 0 {
				through = reply.Events[n-1].ID
			}
			if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE site_epochs SET recovered_through = ?
				WHERE site_id = ? AND epoch = ? AND recovered_through < ?`), through, siteID, epoch, through); err != nil {
				return dbErr("record recovery", err)
			}
		}
		reply.Epochs, err = s.siteEpochs(ctx, tx, siteID)
		return err
	})
	return reply, err
}

// siteEvents reads the site's raw events after an id, adding to each case's first event the
// identity the centre still holds.
func (s *Store) siteEvents(ctx context.Context, tx *sql.Tx, siteID, after int64, limit int) ([]wire.Event, error) {
	rows, err := tx.QueryContext(ctx, s.rebind(`SELECT event_id, at, kind, body FROM events
		WHERE site_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`), siteID, after, limit)
	if err != nil {
		return nil, dbErr("read events", err)
	}
	out := []wire.Event{}
	opened := map[string][]int{} // case code → indexes of its case.opened events
	for rows.Next() {
		var e wire.Event
		var at int64
		var body string
		if err := rows.Scan(&e.ID, &at, &e.Kind, &body); err != nil {
			rows.Close()
			return nil, dbErr("read events", err)
		}
		e.At, e.Body = time.UnixMicro(at).UTC(), json.RawMessage(body)
		if e.Kind == app.EventCaseOpened {
			var ev app.Event
			if json.Unmarshal(e.Body, &ev) == nil && ev.Case != nil {
				opened[ev.Case.Code] = append(opened[ev.Case.Code], len(out))
			}
		}
		out = append(out, e)
	}
	if err := rows.Close(); err != nil {
		return nil, dbErr("read events", err)
	}
	if len(opened) == 0 {
		return out, nil
	}
	args := []any{siteID}
	for code := range opened {
		args = append(args, code)
	}
	ids, err := tx.QueryContext(ctx, s.rebind(`SELECT code, id_number, name, phone FROM cases
		WHERE site_id = ? AND id_number <> '' AND code IN `+inList(len(opened))), args...)
	if err != nil {
		return nil, dbErr("read identities", err)
	}
	defer ids.Close()
	for ids.Next() {
		var code string
		var v app.Visitor
		if err := ids.Scan(&code, &v.IDNumber, &v.Name, &v.Phone); err != nil {
			return nil, dbErr("read identities", err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, dbErr("encode identity", err)
		}
		for _, i := range opened[code] {
			out[i].Private = b
		}
	}
	return out, dbErr("read identities", ids.Err())
}

// echoed returns the site's changes above pulled whose echo event the centre has received.
func (s *Store) echoed(ctx context.Context, tx *sql.Tx, siteID, pulled int64) ([]int64, error) {
	return s.int64s(ctx, tx, `SELECT seq FROM changes WHERE site_id = ? AND seq > ? AND echo_event IS NOT NULL ORDER BY seq`,
		siteID, pulled)
}

// siteEpochs returns the site's epochs, oldest first.
func (s *Store) siteEpochs(ctx context.Context, tx *sql.Tx, siteID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.rebind("SELECT epoch FROM site_epochs WHERE site_id = ? ORDER BY first_seen_at, epoch"), siteID)
	if err != nil {
		return nil, dbErr("read site epochs", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, dbErr("read site epochs", err)
		}
		out = append(out, e)
	}
	return out, dbErr("read site epochs", rows.Err())
}

func (s *Store) int64s(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, s.rebind(query), args...)
	if err != nil {
		return nil, dbErr("read", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, dbErr("read", err)
		}
		out = append(out, v)
	}
	return out, dbErr("read", rows.Err())
}
