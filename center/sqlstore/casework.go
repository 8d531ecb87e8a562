package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// outbound is a change a case write queues, with where it goes and what the history says.
type outbound struct {
	wire.Change
	Site int64  // the site whose changes log gets it; 0: the case's own site
	Note string // the history note when it is not the change's own
	// Quiet: no history entry of its own (a copy of a change the case's history shows already).
	Quiet bool
}

// caseWork runs fn on a case under its site's lock, then writes the case, one history entry per
// change fn returns, and the changes themselves. Each change's seq is its site's last_seq + 1,
// taken under that site's lock, so no reader can see seq n+1 committed before seq n.
func (s *Store) caseWork(ctx context.Context, code string,
	fn func(tx *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error)) (center.Case, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return center.Case{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var site int64
		err := tx.QueryRowContext(ctx, s.rebind("SELECT site_id FROM cases WHERE code = ?"), canon).Scan(&site)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ENOTFOUND, "no such case")
		}
		if err != nil {
			return dbErr("find case", err)
		}
		if _, err := s.lockSite(ctx, tx, site); err != nil {
			return err
		}
		cases := map[string]*center.CaseState{}
		if err := s.loadCases(ctx, tx, []string{canon}, cases); err != nil {
			return err
		}
		now := s.now().UTC()
		outs, err := fn(tx, cases[canon], now)
		if err != nil {
			return err
		}
		entries := make([]center.Entry, 0, len(outs))
		for _, o := range outs {
			target := cmp.Or(o.Site, site)
			if target != site {
				if _, err := s.lockSite(ctx, tx, target); err != nil {
					return err
				}
			}
			e, err := s.queueChange(ctx, tx, target, canon, now, o)
			if err != nil {
				return err
			}
			if !o.Quiet {
				entries = append(entries, e)
			}
		}
		if err := s.writeCases(ctx, tx, changed(cases)); err != nil {
			return err
		}
		return s.writeEntries(ctx, tx, entries)
	})
	if err != nil {
		return center.Case{}, err
	}
	return s.readCase(ctx, canon)
}

// queueChange appends o to the site's changes log and returns the case's history entry for it.
func (s *Store) queueChange(ctx context.Context, tx *sql.Tx, site int64, code string, now time.Time,
	o outbound) (center.Entry, error) {
	ch := o.Change
	if err := tx.QueryRowContext(ctx, s.rebind("UPDATE sites SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"),
		site).Scan(&ch.Seq); err != nil {
		return center.Entry{}, dbErr("next change", err)
	}
	e := center.Entry{Code: code, At: now, Kind: app.EntryFollowUp, Note: cmp.Or(o.Note, ch.Note), By: ch.By,
		Origin: app.OwnerCentre, Seq: ch.Seq}
	var body any
	var status app.CaseStatus
	switch ch.Kind {
	case wire.ChangeStatus:
		status, body = ch.Change.Status, ch.Change
		e.Kind, e.Status, e.Note, e.By = app.EntryStatus, status, cmp.Or(o.Note, ch.Change.Note), ch.Change.By
	case wire.ChangeEscalationAccepted:
		e.Kind = app.EntryEscalationAccepted
	case wire.ChangeSession:
		e.Kind, e.Note, body = app.EntrySession, cmp.Or(o.Note, ch.Session.Note()), ch.Session
	case wire.ChangeHandover:
		e.Kind, body = app.EntryHandover, ch.Case
	case wire.ChangeAssign:
		e.Kind, body = app.EntryAssigned, ch.Case
	case wire.ChangeNotice:
		e.Kind, body = app.EntryNotice, ch.Case
	}
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return e, dbErr("encode change", err)
		}
	}
	_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO changes (site_id, seq, code, kind, change, status, note, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), site, ch.Seq, code, ch.Kind, string(raw), string(status), ch.Note, ch.By,
		micros(now))
	return e, dbErr("queue change", err)
}

// decodeChange fills the part of a change that its kind keeps in the changes row's body.
func decodeChange(c *wire.Change, body string) error {
	if body == "" {
		return nil
	}
	var v any
	switch c.Kind {
	case wire.ChangeSession:
		c.Session = new(app.MediationSession)
		v = c.Session
	case wire.ChangeHandover, wire.ChangeAssign, wire.ChangeNotice:
		c.Case = new(app.Case)
		v = c.Case
	case wire.ChangeBooking:
		c.Booking = new(app.Booking)
		v = c.Booking
	default:
		c.Change = new(app.CaseChange)
		v = c.Change
	}
	return json.Unmarshal([]byte(body), v)
}

// centreOwned refuses a change to a case the centre does not work: a hall's own case, or one
// handed to a hall (docs/sync.md, "Who owns a case").
func centreOwned(cs *center.CaseState) error {
	if cs.Case.Owner != app.OwnerCentre {
		return app.Errorf(app.ENOTOWNER, "case is owned by the %s; only its owner changes it", cs.Case.Owner)
	}
	if cs.WorkerSite != 0 {
		return app.Errorf(app.ENOTOWNER, "case was handed to a hall, which works it now")
	}
	return nil
}

// statusChange applies change to the case as the centre and returns it as an outbound change.
func (s *Store) statusChange(cs *center.CaseState, change app.CaseChange, now time.Time) (outbound, error) {
	if cs.WorkerSite != 0 {
		return outbound{}, centreOwned(cs)
	}
	if change.By == "" {
		change.By = string(app.OwnerCentre)
	}
	next, err := cs.Case.Apply(change, app.OwnerCentre)
	if err != nil {
		return outbound{}, err
	}
	next.UpdatedAt = now
	if next.Status == app.CaseClosed && next.ClosedAt == nil {
		next.ClosedAt = &now
	}
	cs.Case, cs.Changed = next, true
	return outbound{Change: wire.Change{Kind: wire.ChangeStatus, Change: &change}}, nil
}

// AcceptEscalation implements center.CaseWorkStore.
func (s *Store) AcceptEscalation(ctx context.Context, code, by string) (center.Case, error) {
	return s.caseWork(ctx, code, func(tx *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		if err := centreOwned(cs); err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE cases SET escalation_accepted_at = ?
			WHERE code = ? AND escalation_accepted_at IS NULL`), micros(now), cs.Case.Code)
		if err != nil {
			return nil, dbErr("accept escalation", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, app.Errorf(app.ECONFLICT, "the escalation was accepted already")
		}
		outs := []outbound{{Change: wire.Change{Kind: wire.ChangeEscalationAccepted, By: by}}}
		cs.Case.UpdatedAt, cs.Changed = now, true
		if cs.Case.Status == app.CaseRegistered {
			o, err := s.statusChange(cs, app.CaseChange{Status: app.CaseAccepted, Note: "受理上报", By: by}, now)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
		}
		return outs, nil
	})
}

// RecordSession implements center.CaseWorkStore.
func (s *Store) RecordSession(ctx context.Context, code string, m app.MediationSession) (center.Case, error) {
	if err := m.Valid(); err != nil {
		return center.Case{}, err
	}
	return s.caseWork(ctx, code, func(_ *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		if err := centreOwned(cs); err != nil {
			return nil, err
		}
		var outs []outbound
		switch cs.Case.Status {
		case app.CaseAssigned, app.CaseAssessing:
			o, err := s.statusChange(cs, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingMediation,
				Note: "开始调解", By: m.By}, now)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
		case app.CaseHandling, app.CaseFollowUp:
		default:
			return nil, app.Errorf(app.ETRANSITION, "a session is recorded on an assigned case, not one at %s", cs.Case.Status)
		}
		cs.Case.UpdatedAt, cs.Changed = now, true
		return append(outs, outbound{Change: wire.Change{Kind: wire.ChangeSession, Session: &m, By: m.By}}), nil
	})
}

// WorkChange implements center.CaseWorkStore.
func (s *Store) WorkChange(ctx context.Context, code string, change app.CaseChange) (center.Case, error) {
	if change.Deadline != "" {
		if _, err := time.Parse(time.DateOnly, change.Deadline); err != nil || change.Handling != app.HandlingReferral {
			return center.Case{}, app.Errorf(app.EINVALID, "a deadline (YYYY-MM-DD) goes with a referral")
		}
	}
	return s.caseWork(ctx, code, func(_ *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		o, err := s.statusChange(cs, change, now) // the deadline is the case's (cases.referral_deadline)
		if err != nil {
			return nil, err
		}
		return []outbound{o}, nil
	})
}

// CaseWork implements center.CaseWorkStore.
func (s *Store) CaseWork(ctx context.Context, code string) (center.CaseWork, error) {
	var w center.CaseWork
	var worker, esc, acc sql.NullInt64
	err := s.reader(ctx).QueryRowContext(ctx, s.rebind(`SELECT c.owner, c.site_id, c.worker_site_id, c.escalation_accepted_at,
		c.referral_deadline, (SELECT min(e.at) FROM case_entries e WHERE e.code = c.code AND e.kind = 'escalated')
		FROM cases c WHERE c.code = ?`), code).Scan(&w.Owner, &w.Site, &worker, &acc, &w.Deadline, &esc)
	if errors.Is(err, sql.ErrNoRows) {
		return w, app.Errorf(app.ENOTFOUND, "no such case")
	}
	if err != nil {
		return w, dbErr("read case work", err)
	}
	w.WorkerSite, w.Escalated, w.EscAccepted = worker.Int64, fromMicros(esc), fromMicros(acc)
	w.Ratings, err = queryAll(ctx, s, "read case ratings", s.rebind(`SELECT site_id, rating_id, label, window_id, score,
		flagged, at FROM ratings WHERE case_code = ? ORDER BY at`), []any{code}, func(row scanner) (center.RatingRow, error) {
		r := center.RatingRow{CaseCode: code}
		var at int64
		var flagged int
		err := row.Scan(&r.Site, &r.ID, &r.Label, &r.Window, &r.Score, &flagged, &at)
		r.Flagged, r.At = flagged != 0, time.UnixMicro(at).UTC()
		return r, err
	})
	return w, err
}

// partyKey tells an ID number from a name: an ID number is 15 or 18 characters of digits and X.
func partyKey(who string) (column, value string) {
	who = strings.TrimSpace(who)
	up := strings.ToUpper(who)
	if n := len(up); (n == 15 || n == 18) && strings.Trim(up, "0123456789X") == "" {
		return "id_number", up
	}
	return "name", who
}
