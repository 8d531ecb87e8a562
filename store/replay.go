package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"fengqiao/app"
)

// ApplyRecovered takes back, in one transaction, a page of the hall's own events as the centre
// returned them during a recovery: each is stored in the events table under its id and projected
// into the hall's tables from what its body carries (a ticket event carries the whole ticket, a
// case event the whole case with its history, a rating, help alert or pause its own record). The
// recovery's progress moves to the last of them, so an interrupted recovery resumes after it.
//
// What no event carries does not come back: staff sessions, the audit log of identity views,
// idempotency keys, and each window's priority streak (docs/sync.md).
func (h *Hall) ApplyRecovered(ctx context.Context, events []OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	tx, err := h.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("recover events: %w", err)
	}
	defer tx.Rollback()
	t := &txn{ctx: ctx, tx: tx, now: h.clock()}
	var last int64
	if err := t.queryRow("SELECT coalesce(max(id), 0) FROM events").Scan(&last); err != nil {
		return fmt.Errorf("recover events: %w", err)
	}
	for _, e := range events {
		if e.ID <= last {
			continue // held already
		}
		if err := h.replay1(t, e); err != nil {
			return fmt.Errorf("recover event %d (%s): %w", e.ID, e.Kind, err)
		}
		last = e.ID
	}
	if err := setMeta(ctx, tx, "recover_after", strconv.FormatInt(last, 10)); err != nil {
		return err
	}
	return tx.Commit()
}

// replay1 projects one recovered event and stores it.
func (h *Hall) replay1(t *txn, e OutboxEvent) error {
	var ev app.Event
	if err := json.Unmarshal(e.Body, &ev); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	var identity *app.Visitor
	if len(e.Private) > 0 && string(e.Private) != "null" {
		identity = new(app.Visitor)
		if err := json.Unmarshal(e.Private, identity); err != nil {
			return fmt.Errorf("private: %w", err)
		}
	}
	var caseID, ticketID sql.NullInt64
	var err error
	if ev.Case != nil {
		if caseID, err = t.replayCase(ev.Case, identity); err != nil {
			return err
		}
		if ev.Kind == app.EventHandedOver {
			if _, err := t.exec("UPDATE cases SET handed_over = 1 WHERE id = ?", caseID); err != nil {
				return storeErr("recover handover", err)
			}
		}
		if err := t.replayRouting(ev.Kind, ev.Case, caseID); err != nil {
			return err
		}
	}
	if ev.Ticket != nil {
		if ticketID, caseID, err = h.replayTicket(t, ev.Kind, ev.Ticket); err != nil {
			return err
		}
	}
	switch {
	case ev.Rating != nil && ev.Ticket != nil:
		err = t.replayRating(ev.Rating, ev.Ticket.Day)
	case ev.Help != nil:
		_, err = t.exec(`INSERT INTO help_alerts (id, source, raised_at, taken_by, taken_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET taken_by = excluded.taken_by, taken_at = excluded.taken_at`,
			ev.Help.ID, ev.Help.Source, ev.Help.RaisedAt.UnixMicro(), ev.Help.TakenBy, nullTime(ev.Help.TakenAt))
	case ev.Kind == app.EventPaused || ev.Kind == app.EventUnpaused:
		_, err = t.exec(`INSERT INTO windows (id, paused) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET paused = excluded.paused`,
			ev.Window, ev.Kind == app.EventPaused)
	}
	if err != nil {
		return storeErr("recover "+string(ev.Kind), err)
	}
	var private sql.NullString
	if identity != nil {
		private = sql.NullString{String: string(e.Private), Valid: true}
	}
	_, err = t.exec("INSERT INTO events (id, at, kind, window_id, ticket_id, case_id, body, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.At.UnixMicro(), e.Kind, nullInt(ev.Window), ticketID, caseID, string(e.Body), private)
	return storeErr("store recovered event", err)
}

// replayCase writes the case as the event shows it: its fields, its visitor (the identity when
// the centre still holds it, else the masked visitor) and its whole history.
func (t *txn) replayCase(c *app.Case, identity *app.Visitor) (sql.NullInt64, error) {
	var id int64
	err := t.queryRow("SELECT id FROM cases WHERE code = ?", c.Code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		r, ierr := t.exec(`INSERT INTO cases (code, service, status, owner, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.Code, c.Service, c.Status, c.Owner, c.OpenedAt.UnixMicro(), c.UpdatedAt.UnixMicro())
		if ierr != nil {
			return sql.NullInt64{}, storeErr("recover case", ierr)
		}
		id, err = r.LastInsertId()
	}
	if err != nil {
		return sql.NullInt64{}, storeErr("recover case", err)
	}
	if _, err := t.exec(`UPDATE cases SET service = ?, category = ?, status = ?, owner = ?, unit = ?, level = ?, handling = ?,
		department = ?, summary = ?, result = ?, follow_up_on = ?, deadline = ?, opened_at = ?, updated_at = ?, closed_at = ? WHERE id = ?`,
		c.Service, c.Category, c.Status, c.Owner, c.Unit, c.Level, c.Handling, c.Department, c.Summary, c.Result,
		c.FollowUpOn, c.Deadline, c.OpenedAt.UnixMicro(), c.UpdatedAt.UnixMicro(), nullTime(c.ClosedAt), id); err != nil {
		return sql.NullInt64{}, storeErr("recover case", err)
	}
	switch {
	case identity != nil:
		vid, err := t.upsertVisitor(*identity)
		if err != nil {
			return sql.NullInt64{}, err
		}
		if _, err := t.exec("UPDATE cases SET visitor_id = ? WHERE id = ?", vid, id); err != nil {
			return sql.NullInt64{}, storeErr("recover case", err)
		}
	case c.Visitor != nil:
		if _, err := t.exec(`UPDATE cases SET masked_name = ?, masked_id_number = ?, masked_phone = ?
			WHERE id = ? AND visitor_id IS NULL`, c.Visitor.Name, c.Visitor.IDNumber, c.Visitor.Phone, id); err != nil {
			return sql.NullInt64{}, storeErr("recover case", err)
		}
	}
	if _, err := t.exec("DELETE FROM case_entries WHERE case_id = ?", id); err != nil {
		return sql.NullInt64{}, storeErr("recover case history", err)
	}
	for _, e := range c.History {
		if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, status, note, by) VALUES (?, ?, ?, ?, ?, ?)",
			id, e.At.UnixMicro(), e.Kind, e.Status, e.Note, e.By); err != nil {
			return sql.NullInt64{}, storeErr("recover case history", err)
		}
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// replayTicket writes the ticket as the event shows it, linked to its case and the case's visitor,
// and keeps its day's counter at or above its number.
func (h *Hall) replayTicket(t *txn, kind app.EventKind, tk *app.Ticket) (ticketID, caseID sql.NullInt64, err error) {
	var visitorID sql.NullInt64
	if tk.CaseCode != "" {
		err := t.queryRow("SELECT id, visitor_id FROM cases WHERE code = ?", tk.CaseCode).Scan(&caseID, &visitorID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return ticketID, caseID, storeErr("recover ticket", err)
		}
	}
	issued := h.issuedService(kind, tk)
	if _, err := t.exec(`INSERT INTO tickets (id, day, number, label, issued_service, service, priority, status, window_id,
		recalls, category, ahead, case_id, visitor_id, issued_at, arrived_at, called_at, started_at, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET service = excluded.service, priority = excluded.priority, status = excluded.status,
			window_id = excluded.window_id, recalls = excluded.recalls, category = excluded.category,
			case_id = coalesce(excluded.case_id, tickets.case_id), visitor_id = coalesce(excluded.visitor_id, tickets.visitor_id),
			arrived_at = excluded.arrived_at, called_at = excluded.called_at, started_at = excluded.started_at,
			completed_at = excluded.completed_at`,
		tk.ID, tk.Day, tk.Number, tk.Label, issued, tk.Service, tk.Priority, tk.Status, nullInt(tk.Window), tk.Recalls,
		tk.Category, tk.Ahead, caseID, visitorID, tk.IssuedAt.UnixMicro(), tk.ArrivedAt.UnixMicro(),
		nullTime(tk.CalledAt), nullTime(tk.StartedAt), nullTime(tk.CompletedAt)); err != nil {
		return ticketID, caseID, storeErr("recover ticket", err)
	}
	if _, err := t.exec(`INSERT INTO counters (day, service, last) SELECT day, issued_service, number FROM tickets WHERE id = ?
		ON CONFLICT (day, service) DO UPDATE SET last = max(last, excluded.last)`, tk.ID); err != nil {
		return ticketID, caseID, storeErr("recover counter", err)
	}
	return sql.NullInt64{Int64: tk.ID, Valid: true}, caseID, nil
}

// issuedService is the service a ticket was issued for: its service on ticket.issued, else the
// service whose prefix its label carries (a transferred ticket keeps its label).
func (h *Hall) issuedService(kind app.EventKind, tk *app.Ticket) string {
	if kind == app.EventIssued {
		return tk.Service
	}
	for _, s := range h.services {
		if app.FormatLabel(s.Prefix, tk.Number) == tk.Label {
			return s.Code
		}
	}
	return tk.Service
}

func (t *txn) replayRating(r *app.Rating, day string) error {
	_, err := t.exec(`INSERT INTO ratings (id, ticket_id, window_id, staff, score, flagged, day, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, r.ID, r.Ticket, r.Window, r.Staff, int(r.Score), r.Flagged, day, r.At.UnixMicro())
	return err
}
