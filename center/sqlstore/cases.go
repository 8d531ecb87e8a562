package sqlstore

import (
	"context"
	"database/sql"
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
	cs, err := scanCase(s.reader(ctx).QueryRowContext(ctx, s.rebind("SELECT "+caseColumns+" FROM cases WHERE code = ?"), code))
	if errors.Is(err, sql.ErrNoRows) {
		return out, app.Errorf(app.ENOTFOUND, "no such case")
	}
	if err != nil {
		return out, dbErr("read case", err)
	}
	out.Case = cs.Case
	if err := s.reader(ctx).QueryRowContext(ctx, s.rebind("SELECT name FROM sites WHERE id = ?"), cs.Site).Scan(&out.Site); err != nil {
		return out, dbErr("read case", err)
	}
	if cs.Grid != 0 {
		if err := s.db.QueryRowContext(ctx, s.rebind("SELECT name FROM grids WHERE id = ?"), cs.Grid).Scan(&out.Grid); err != nil {
			return out, dbErr("read case's grid", err)
		}
	}
	if out.Worker, err = s.workerName(ctx, code); err != nil {
		return out, err
	}
	if err := s.readSource(ctx, &out.Case); err != nil {
		return out, err
	}
	rows, err := s.reader(ctx).QueryContext(ctx, s.rebind("SELECT at, kind, status, note, by_name FROM case_entries WHERE code = ? ORDER BY id"), code)
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
	trows, err := s.reader(ctx).QueryContext(ctx, s.rebind("SELECT label FROM tickets WHERE case_code = ? AND site_id = ? ORDER BY ticket_id"), code, cs.Site)
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
		change.By = string(app.OwnerCentre)
	}
	return s.caseWrite(ctx, code, func(cs *center.CaseState, now time.Time) (wire.Change, error) {
		if change.Category != "" {
			for _, svc := range s.services {
				if svc.Code == cs.Case.Service && len(svc.Categories) > 0 && !svc.HasCategory(change.Category) {
					return wire.Change{}, app.Errorf(app.EINVALID, "unknown category for service %s", svc.Code)
				}
			}
		}
		if cs.WorkerSite != 0 {
			return wire.Change{}, centreOwned(cs)
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
		by = string(app.OwnerCentre)
	}
	return s.caseWork(ctx, code, func(_ *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		return followUpChanges(cs, note, by, now), nil
	})
}

// followUpChanges appends a follow-up to the case: the change for its site, and for the site it
// was handed to, if any.
func followUpChanges(cs *center.CaseState, note, by string, now time.Time) []outbound {
	cs.Case.UpdatedAt, cs.Changed = now, true
	outs := []outbound{{Change: wire.Change{Kind: wire.ChangeFollowUp, Note: note, By: by}}}
	if cs.WorkerSite != 0 { // a handed-over case: the hall working it gets the follow-up too
		outs = append(outs, outbound{Change: outs[0].Change, Site: cs.WorkerSite, Quiet: true})
	}
	return outs
}

// caseWrite runs fn on a case under its site's lock, then writes the case, its history entry and
// the outbound change that fn returns (see caseWork).
func (s *Store) caseWrite(ctx context.Context, code string,
	fn func(cs *center.CaseState, now time.Time) (wire.Change, error)) (center.Case, error) {
	return s.caseWork(ctx, code, func(_ *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		ch, err := fn(cs, now)
		return []outbound{{Change: ch}}, err
	})
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
		if err := decodeChange(&c, body); err != nil {
			return nil, dbErr("read changes", err)
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
