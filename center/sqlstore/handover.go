package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// Handover hands a case the centre owns to the site named to work it (镇级受理: a village's case
// escalated to the town, worked at the town hall's windows). Under the locks of that site and
// then of the case's own site (the order the handler's pushes take them in), it makes the site
// the case's owner (cases.handler_site, owner hall), records a history line of kind
// app.EntryHandover, and queues two changes: wire.ChangeHandover with the case and its history,
// visitor masked, for the handler, and a follow-up note for the case's own site. From then on the
// centre accepts the handler's events on the case and relays them to the case's own site
// (center.Projection). See docs/sync.md, "Who owns a case".
func (s *Store) Handover(ctx context.Context, code, siteName, by string) (center.Case, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return center.Case{}, err
	}
	if by == "" {
		by = app.OwnerCentre
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var origin, handler int64
		var originName string
		err := tx.QueryRowContext(ctx, s.rebind("SELECT c.site_id, s.name FROM cases c JOIN sites s ON s.id = c.site_id WHERE c.code = ?"),
			canon).Scan(&origin, &originName)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ENOTFOUND, "no such case")
		}
		if err != nil {
			return dbErr("find case", err)
		}
		err = tx.QueryRowContext(ctx, s.rebind("SELECT id FROM sites WHERE name = ?"), siteName).Scan(&handler)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.EINVALID, "no site named %q", siteName)
		}
		if err != nil {
			return dbErr("find site", err)
		}
		if handler == origin {
			return app.Errorf(app.EINVALID, "a case is handed to another site than its own")
		}
		for _, id := range []int64{handler, origin} {
			if _, err := s.lockSite(ctx, tx, id); err != nil {
				return err
			}
		}
		cases := map[string]*center.CaseState{}
		if err := s.loadCases(ctx, tx, []string{canon}, cases); err != nil {
			return err
		}
		cs := cases[canon]
		switch {
		case cs.Case.Owner != app.OwnerCentre:
			return app.Errorf(app.ENOTOWNER, "only a case the centre owns is handed over")
		case cs.Case.Status.Final():
			return app.Errorf(app.ECONFLICT, "a final case is not handed over")
		}
		now := s.now().UTC()
		sent := cs.Case
		if sent.History, err = s.history(ctx, tx, canon); err != nil {
			return err
		}
		cs.Case.Owner, cs.Handler, cs.Case.UpdatedAt, cs.Changed = app.OwnerHall, handler, now, true
		seq, err := s.queueChange(ctx, tx, handler, wire.Change{At: now, Code: canon, Kind: wire.ChangeHandover,
			Case: &sent, Note: "由镇综治中心移交本厅办理（来自" + originName + "）", By: by})
		if err != nil {
			return err
		}
		if _, err := s.queueChange(ctx, tx, origin, wire.Change{At: now, Code: canon, Kind: wire.ChangeFollowUp,
			Note: "已移交" + siteName + "办理", By: by}); err != nil {
			return err
		}
		if err := s.writeCases(ctx, tx, cases); err != nil {
			return err
		}
		return s.writeEntries(ctx, tx, []center.Entry{{Code: canon, At: now, Kind: app.EntryHandover,
			Note: "移交" + siteName + "办理", By: by, Origin: app.OwnerCentre, Seq: seq}})
	})
	if err != nil {
		return center.Case{}, err
	}
	return s.readCase(ctx, canon)
}

// writeRelays queues the changes a push relays to other sites (center.Relay), under the lock of
// each such site, taken after the pushing site's.
func (s *Store) writeRelays(ctx context.Context, tx *sql.Tx, relays []center.Relay) error {
	var locked []int64
	now := s.now().UTC()
	for _, r := range relays {
		if !slices.Contains(locked, r.Site) {
			if _, err := s.lockSite(ctx, tx, r.Site); err != nil {
				return err
			}
			locked = append(locked, r.Site)
		}
		ch := r.Change
		ch.At = now
		if _, err := s.queueChange(ctx, tx, r.Site, ch); err != nil {
			return err
		}
	}
	return nil
}

// queueChange appends ch to the site's changes log with the next seq; the caller holds the site's
// lock. The change's payload (app.CaseChange, the app.MediationSession of a session, or the
// app.Case of a handover) is stored as JSON in changes.change.
func (s *Store) queueChange(ctx context.Context, tx *sql.Tx, site int64, ch wire.Change) (int64, error) {
	var payload any
	var status app.CaseStatus
	switch {
	case ch.Case != nil:
		payload = ch.Case
	case ch.Session != nil:
		payload = ch.Session
	case ch.Change != nil:
		payload, status = ch.Change, ch.Change.Status
	}
	var body []byte
	if payload != nil {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return 0, dbErr("encode change", err)
		}
	}
	if err := tx.QueryRowContext(ctx, s.rebind("UPDATE sites SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"),
		site).Scan(&ch.Seq); err != nil {
		return 0, dbErr("next change", err)
	}
	_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO changes (site_id, seq, code, kind, change, status, note, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), site, ch.Seq, ch.Code, ch.Kind, string(body), string(status), ch.Note, ch.By,
		micros(ch.At))
	return ch.Seq, dbErr("queue change", err)
}

// history reads a case's history inside tx.
func (s *Store) history(ctx context.Context, tx *sql.Tx, code string) ([]app.CaseEntry, error) {
	rows, err := tx.QueryContext(ctx, s.rebind("SELECT at, kind, status, note, by_name FROM case_entries WHERE code = ? ORDER BY id"), code)
	if err != nil {
		return nil, dbErr("read case history", err)
	}
	defer rows.Close()
	var out []app.CaseEntry
	for rows.Next() {
		var e app.CaseEntry
		var at int64
		var status string
		if err := rows.Scan(&at, &e.Kind, &status, &e.Note, &e.By); err != nil {
			return nil, dbErr("read case history", err)
		}
		e.At, e.Status = time.UnixMicro(at).UTC(), app.CaseStatus(status)
		out = append(out, e)
	}
	return out, dbErr("read case history", rows.Err())
}

// handlerName returns the name of the site a case was handed to, "" if none.
func (s *Store) handlerName(ctx context.Context, code string) (string, error) {
	var name sql.NullString
	err := s.db.QueryRowContext(ctx, s.rebind("SELECT s.name FROM cases c LEFT JOIN sites s ON s.id = c.handler_site WHERE c.code = ?"),
		code).Scan(&name)
	return name.String, dbErr("read case handler", err)
}
