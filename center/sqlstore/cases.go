package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// Case implements center.Store.
func (s *Store) Case(ctx context.Context, code string) (center.Case, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return center.Case{}, err
	}
	return s.readCase(ctx, canon)
}

func (s *Store) readCase(ctx context.Context, code string) (center.Case, error) {
	var out center.Case
	cs, err := scanCase(s.db.QueryRowContext(ctx, s.rebind("SELECT "+caseColumns+" FROM cases WHERE code = ?"), code))
	if errors.Is(err, sql.ErrNoRows) {
		return out, app.Errorf(app.ENOTFOUND, "no such case")
	}
	if err != nil {
		return out, dbErr("read case", err)
	}
	out.Case = cs.Case
	if err := s.db.QueryRowContext(ctx, s.rebind("SELECT name FROM sites WHERE id = ?"), cs.Site).Scan(&out.Site); err != nil {
		return out, dbErr("read case", err)
	}
	if out.Handler, err = s.handlerName(ctx, code); err != nil {
		return out, err
	}
	rows, err := s.db.QueryContext(ctx, s.rebind("SELECT at, kind, status, note, by_name FROM case_entries WHERE code = ? ORDER BY id"), code)
	if err != nil {
		return out, dbErr("read case history", err)
	}
	defer rows.Close()
	out.History = []app.CaseEntry{}
	for rows.Next() {
		var e app.CaseEntry
		var at int64
		var status string
		if err := rows.Scan(&at, &e.Kind, &status, &e.Note, &e.By); err != nil {
			return out, dbErr("read case history", err)
		}
		e.At, e.Status = time.UnixMicro(at).UTC(), app.CaseStatus(status)
		out.History = append(out.History, e)
	}
	if err := rows.Err(); err != nil {
		return out, dbErr("read case history", err)
	}
	rows.Close()
	trows, err := s.db.QueryContext(ctx, s.rebind("SELECT label FROM tickets WHERE case_code = ? AND site_id = ? ORDER BY ticket_id"), code, cs.Site)
	if err != nil {
		return out, dbErr("read case tickets", err)
	}
	defer trows.Close()
	for trows.Next() {
		var l string
		if err := trows.Scan(&l); err != nil {
			return out, dbErr("read case tickets", err)
		}
		out.Tickets = append(out.Tickets, l)
	}
	return out, dbErr("read case tickets", trows.Err())
}

// ChangeCase implements center.Store: the centre changes the status of a case it owns, through
// app.Case.Apply with the centre as actor, and queues the change for the case's site.
func (s *Store) ChangeCase(ctx context.Context, code string, change app.CaseChange) (center.Case, error) {
	if change.By == "" {
		change.By = app.OwnerCentre
	}
	return s.caseWrite(ctx, code, func(cs *center.CaseState, now time.Time) (wire.Change, error) {
		if change.Category != "" {
			for _, svc := range s.services {
				if svc.Code == cs.Case.Service && len(svc.Categories) > 0 && !svc.HasCategory(change.Category) {
					return wire.Change{}, app.Errorf(app.EINVALID, "unknown category for service %s", svc.Code)
				}
			}
		}
		next, err := cs.Case.Apply(change, app.OwnerCentre)
		if err != nil {
			return wire.Change{}, err
		}
		next.UpdatedAt = now
		if next.Status == app.CaseClosed && next.ClosedAt == nil {
			next.ClosedAt = &now
		}
		cs.Case, cs.Changed = next, true
		ch := change
		return wire.Change{Kind: wire.ChangeStatus, Change: &ch}, nil
	})
}

// AddFollowUp implements center.Store: either side may append follow-ups to any case.
func (s *Store) AddFollowUp(ctx context.Context, code, note, by string) (center.Case, error) {
	if note == "" {
		return center.Case{}, app.Errorf(app.EINVALID, "a follow-up needs a note")
	}
	if by == "" {
		by = app.OwnerCentre
	}
	return s.caseWrite(ctx, code, func(cs *center.CaseState, now time.Time) (wire.Change, error) {
		cs.Case.UpdatedAt, cs.Changed = now, true
		return wire.Change{Kind: wire.ChangeFollowUp, Note: note, By: by}, nil
	})
}

// caseWrite runs fn on a case under its site's lock, then writes the case, its history entry and
// the outbound change that fn returns. The change's seq is the site's last_seq + 1, taken under
// the lock, so no reader can see seq n+1 committed before seq n.
func (s *Store) caseWrite(ctx context.Context, code string,
	fn func(cs *center.CaseState, now time.Time) (wire.Change, error)) (center.Case, error) {
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
		cs := cases[canon]
		now := s.now().UTC()
		ch, err := fn(cs, now)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.rebind("UPDATE sites SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"),
			site).Scan(&ch.Seq); err != nil {
			return dbErr("next change", err)
		}
		ch.At, ch.Code = now, canon
		entry := center.Entry{Code: canon, At: now, Kind: app.EntryFollowUp, Note: ch.Note, By: ch.By,
			Origin: app.OwnerCentre, Seq: ch.Seq}
		var body []byte
		var status app.CaseStatus
		if ch.Change != nil {
			status = ch.Change.Status
			entry.Kind, entry.Status, entry.Note, entry.By = app.EntryStatus, status, ch.Change.Note, ch.Change.By
			if body, err = json.Marshal(ch.Change); err != nil {
				return dbErr("encode change", err)
			}
		}
		if err := s.writeCases(ctx, tx, cases); err != nil {
			return err
		}
		if err := s.writeEntries(ctx, tx, []center.Entry{entry}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO changes (site_id, seq, code, kind, change, status, note, by_name, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), site, ch.Seq, canon, ch.Kind, string(body), string(status), ch.Note, ch.By,
			micros(now))
		return dbErr("queue change", err)
	})
	if err != nil {
		return center.Case{}, err
	}
	return s.readCase(ctx, canon)
}

// Changes implements center.Store.
func (s *Store) Changes(ctx context.Context, siteID, after int64, limit int) ([]wire.Change, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT seq, at, code, kind, change, note, by_name FROM changes
		WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?`), siteID, after, limit)
	if err != nil {
		return nil, dbErr("read changes", err)
	}
	defer rows.Close()
	var out []wire.Change
	for rows.Next() {
		var c wire.Change
		var at int64
		var body string
		if err := rows.Scan(&c.Seq, &at, &c.Code, &c.Kind, &body, &c.Note, &c.By); err != nil {
			return nil, dbErr("read changes", err)
		}
		c.At = time.UnixMicro(at).UTC()
		var payload any
		switch {
		case body == "":
		case c.Kind == wire.ChangeHandover:
			c.Case = new(app.Case)
			payload = c.Case
		case c.Kind == wire.ChangeSession:
			c.Session = new(app.MediationSession)
			payload = c.Session
		default:
			c.Change = new(app.CaseChange)
			payload = c.Change
		}
		if payload != nil {
			if err := json.Unmarshal([]byte(body), payload); err != nil {
				return nil, dbErr("read changes", err)
			}
		}
		out = append(out, c)
	}
	return out, dbErr("read changes", rows.Err())
}

// Stats counts what the centre holds of a site.
type Stats struct {
	AppliedThrough int64
	Events         int64
	Refused        int64
	Cases          int64
	Tickets        int64
	Entries        int64
}

// Stats returns the counts for a site.
func (s *Store) Stats(ctx context.Context, siteID int64) (Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT
		(SELECT applied_through FROM sites WHERE id = ?),
		(SELECT count(*) FROM events WHERE site_id = ?),
		(SELECT count(*) FROM events WHERE site_id = ? AND outcome = 'refused'),
		(SELECT count(*) FROM cases WHERE site_id = ?),
		(SELECT count(*) FROM tickets WHERE site_id = ?),
		(SELECT count(*) FROM case_entries e JOIN cases c ON c.code = e.code WHERE c.site_id = ?)`),
		siteID, siteID, siteID, siteID, siteID, siteID).
		Scan(&st.AppliedThrough, &st.Events, &st.Refused, &st.Cases, &st.Tickets, &st.Entries)
	return st, dbErr("count", err)
}

// Tickets returns the site's tickets as the centre holds them, by hall ticket id.
func (s *Store) Tickets(ctx context.Context, siteID int64) (map[int64]app.Ticket, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT ticket_id, day, label, service, status, window_id, case_code
		FROM tickets WHERE site_id = ?`), siteID)
	if err != nil {
		return nil, dbErr("read tickets", err)
	}
	defer rows.Close()
	out := map[int64]app.Ticket{}
	for rows.Next() {
		var t app.Ticket
		var status string
		if err := rows.Scan(&t.ID, &t.Day, &t.Label, &t.Service, &status, &t.Window, &t.CaseCode); err != nil {
			return nil, dbErr("read tickets", err)
		}
		t.Status = app.TicketStatus(status)
		out[t.ID] = t
	}
	return out, dbErr("read tickets", rows.Err())
}
