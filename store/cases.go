package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"fengqiao/app"
)

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readCase loads a case with its history, tickets and masked visitor.
func readCase(ctx context.Context, q queryer, where string, args ...any) (app.Case, int64, error) {
	var c app.Case
	var id int64
	var status, result string
	var opened, updated int64
	var closed sql.NullInt64
	var idNumber, name, phone sql.NullString
	var masked app.MaskedVisitor
	err := q.QueryRowContext(ctx, `SELECT c.id, c.code, c.service, c.category, c.status, c.owner, c.unit, c.level,
		c.handling, c.department, c.summary, c.result, c.follow_up_on, c.deadline, c.opened_at, c.updated_at, c.closed_at,
		v.id_number, v.name, v.phone, c.masked_name, c.masked_id_number, c.masked_phone, c.source, c.risk, c.grid
		FROM cases c LEFT JOIN visitors v ON v.id = c.visitor_id WHERE `+where, args...).Scan(
		&id, &c.Code, &c.Service, &c.Category, &status, &c.Owner, &c.Unit, &c.Level, &c.Handling, &c.Department,
		&c.Summary, &result, &c.FollowUpOn, &c.Deadline, &opened, &updated, &closed, &idNumber, &name, &phone,
		&masked.Name, &masked.IDNumber, &masked.Phone, &c.Source, &c.Risk, &c.Grid)
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, app.Errorf(app.ENOTFOUND, "no such case")
	}
	if err != nil {
		return c, 0, storeErr("read case", err)
	}
	c.Status, c.Result = app.CaseStatus(status), app.CaseResult(result)
	c.OpenedAt, c.UpdatedAt, c.ClosedAt = time.UnixMicro(opened).UTC(), time.UnixMicro(updated).UTC(), fromMicros(closed)
	if idNumber.Valid {
		m := app.Visitor{IDNumber: idNumber.String, Name: name.String, Phone: phone.String}.Masked()
		c.Visitor = &m
	} else if masked != (app.MaskedVisitor{}) {
		c.Visitor = &masked // recovered after the centre's retention removed the identity
	}
	rows, err := q.QueryContext(ctx, "SELECT at, kind, status, note, by FROM case_entries WHERE case_id = ? ORDER BY id", id)
	if err != nil {
		return c, 0, storeErr("read case history", err)
	}
	defer rows.Close()
	c.History = []app.CaseEntry{}
	for rows.Next() {
		var e app.CaseEntry
		var at int64
		var st string
		if err := rows.Scan(&at, &e.Kind, &st, &e.Note, &e.By); err != nil {
			return c, 0, storeErr("read case history", err)
		}
		e.At, e.Status = time.UnixMicro(at).UTC(), app.CaseStatus(st)
		c.History = append(c.History, e)
	}
	if err := rows.Err(); err != nil {
		return c, 0, storeErr("read case history", err)
	}
	trows, err := q.QueryContext(ctx, "SELECT label FROM tickets WHERE case_id = ? ORDER BY id", id)
	if err != nil {
		return c, 0, storeErr("read case tickets", err)
	}
	defer trows.Close()
	for trows.Next() {
		var l string
		if err := trows.Scan(&l); err != nil {
			return c, 0, storeErr("read case tickets", err)
		}
		c.Tickets = append(c.Tickets, l)
	}
	return c, id, trows.Err()
}

func (t *txn) loadCase(id int64) (app.Case, error) {
	c, _, err := readCase(t.ctx, t.tx, "c.id = ?", id)
	return c, err
}

// Case implements app.Hall.
func (h *Hall) Case(ctx context.Context, code string) (app.Case, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return app.Case{}, err
	}
	c, _, err := readCase(ctx, h.db.read, "c.code = ?", canon)
	return c, err
}

// OpenCases implements app.Hall.
func (h *Hall) OpenCases(ctx context.Context, idNumber string) ([]app.Case, error) {
	id, err := app.ParseIDNumber(idNumber)
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "visitor: %v", err)
	}
	rows, err := h.db.read.QueryContext(ctx, `SELECT c.code FROM cases c JOIN visitors v ON v.id = c.visitor_id
		WHERE v.id_number = ? AND c.status NOT IN ('closed', 'rejected') ORDER BY c.opened_at`, id.Raw)
	if err != nil {
		return nil, storeErr("find open cases", err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, storeErr("find open cases", err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	cases := []app.Case{}
	for _, code := range codes {
		c, _, err := readCase(ctx, h.db.read, "c.code = ?", code)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// caseWrite runs fn on the case named by code inside a write transaction and logs kind.
func (h *Hall) caseWrite(ctx context.Context, code, scope string, kind app.EventKind, fn func(t *txn, c app.Case, id int64) error) (app.Case, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return app.Case{}, err
	}
	return write(h, ctx, scope+"/"+canon, func(t *txn) (app.Case, error) {
		c, id, err := readCase(t.ctx, t.tx, "c.code = ?", canon)
		if err != nil {
			return c, err
		}
		if err := fn(t, c, id); err != nil {
			return c, err
		}
		c, err = t.loadCase(id)
		if err != nil {
			return c, err
		}
		t.log(app.Event{Kind: kind, Case: &c}, id, nil)
		return c, nil
	})
}

// ChangeCase implements app.Hall: the hall changes the status of a case it owns.
func (h *Hall) ChangeCase(ctx context.Context, code string, change app.CaseChange) (app.Case, error) {
	return h.applyChange(ctx, code, change, app.OwnerHall)
}

// ApplyCentreChange applies a status change made by the centre to a case it owns, as delivered by
// the sync worker.
func (h *Hall) ApplyCentreChange(ctx context.Context, code string, change app.CaseChange) (app.Case, error) {
	return h.applyChange(ctx, code, change, app.OwnerCentre)
}

func (h *Hall) applyChange(ctx context.Context, code string, change app.CaseChange, actor app.Owner) (app.Case, error) {
	return h.caseWrite(ctx, code, "case", app.EventCaseChanged, func(t *txn, c app.Case, id int64) error {
		if change.Category != "" {
			if svc, ok := h.service(c.Service); ok && len(svc.Categories) > 0 && !svc.HasCategory(change.Category) {
				return app.Errorf(app.EINVALID, "unknown category for service %s", c.Service)
			}
		}
		next, err := c.Apply(change, actor)
		if err != nil {
			return err
		}
		var closed sql.NullInt64
		if next.Status == app.CaseClosed {
			closed = sql.NullInt64{Int64: t.now.UnixMicro(), Valid: true}
		}
		if _, err := t.exec(`UPDATE cases SET status = ?, category = ?, unit = ?, level = ?, handling = ?, department = ?,
			summary = ?, result = ?, follow_up_on = ?, deadline = ?, updated_at = ?, closed_at = coalesce(closed_at, ?) WHERE id = ?`,
			next.Status, next.Category, next.Unit, next.Level, next.Handling, next.Department, next.Summary,
			next.Result, next.FollowUpOn, next.Deadline, t.now.UnixMicro(), closed, id); err != nil {
			return storeErr("change case", err)
		}
		by := change.By
		if by == "" {
			by = string(actor)
		}
		if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, status, note, by) VALUES (?, ?, ?, ?, ?, ?)",
			id, t.now.UnixMicro(), app.EntryStatus, next.Status, change.Note, by); err != nil {
			return storeErr("change case", err)
		}
		return nil
	})
}

// AddFollowUp implements app.Hall.
func (h *Hall) AddFollowUp(ctx context.Context, code, note, by string) (app.Case, error) {
	if note == "" {
		return app.Case{}, app.Errorf(app.EINVALID, "a follow-up needs a note")
	}
	return h.caseWrite(ctx, code, "followup", app.EventCaseNote, func(t *txn, c app.Case, id int64) error {
		if by == "" {
			by = string(app.OwnerHall)
		}
		if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, note, by) VALUES (?, ?, ?, ?, ?)",
			id, t.now.UnixMicro(), app.EntryFollowUp, note, by); err != nil {
			return storeErr("add follow-up", err)
		}
		_, err := t.exec("UPDATE cases SET updated_at = ? WHERE id = ?", t.now.UnixMicro(), id)
		return storeErr("add follow-up", err)
	})
}

// Escalate implements app.Hall.
func (h *Hall) Escalate(ctx context.Context, code, note, by string) (app.Case, error) {
	return h.caseWrite(ctx, code, "escalate", app.EventEscalated, func(t *txn, c app.Case, id int64) error {
		if c.Owner != app.OwnerHall {
			return app.Errorf(app.ENOTOWNER, "the case is already owned by the %s", c.Owner)
		}
		if handedOver(t, id) {
			return app.Errorf(app.ECONFLICT, "a case the centre handed to this hall is not escalated again")
		}
		if c.Status.Final() {
			return app.Errorf(app.ECONFLICT, "a final case cannot be escalated")
		}
		if by == "" {
			by = string(app.OwnerHall)
		}
		if _, err := t.exec("UPDATE cases SET owner = ?, updated_at = ? WHERE id = ?", app.OwnerCentre, t.now.UnixMicro(), id); err != nil {
			return storeErr("escalate", err)
		}
		_, err := t.exec("INSERT INTO case_entries (case_id, at, kind, note, by) VALUES (?, ?, ?, ?, ?)",
			id, t.now.UnixMicro(), app.EntryEscalated, note, by)
		return storeErr("escalate", err)
	})
}
