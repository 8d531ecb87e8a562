package store

import (
	"context"
	"database/sql"

	"fengqiao/app"
)

// AcceptEscalation records that the centre took on a case this hall escalated (受理上报), as
// delivered by the sync worker. The case stays the centre's; the hall logs
// app.EventEscalationAccepted, the centre's echo.
func (h *Hall) AcceptEscalation(ctx context.Context, code, note, by string) (app.Case, error) {
	if note == "" {
		note = "镇综治中心已受理"
	}
	return h.centreEntry(ctx, code, "accepted", app.EventEscalationAccepted, app.EntryEscalationAccepted, note, by)
}

// RecordSession records a mediation session the centre held on a case it owns, as delivered by
// the sync worker; the hall logs app.EventSession, the centre's echo.
func (h *Hall) RecordSession(ctx context.Context, code string, s app.MediationSession) (app.Case, error) {
	if err := s.Valid(); err != nil {
		return app.Case{}, err
	}
	return h.centreEntry(ctx, code, "session", app.EventSession, app.EntrySession, s.Note(), s.By)
}

// centreEntry appends one history line of the centre's to a case the centre owns and logs kind.
func (h *Hall) centreEntry(ctx context.Context, code, scope string, kind app.EventKind, entry, note, by string) (app.Case, error) {
	return h.caseWrite(ctx, code, scope, kind, func(t *txn, c app.Case, id int64) error {
		if c.Owner != app.OwnerCentre {
			return app.Errorf(app.ENOTOWNER, "the case is owned by the %s, not the centre", c.Owner)
		}
		if by == "" {
			by = string(app.OwnerCentre)
		}
		if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, note, by) VALUES (?, ?, ?, ?, ?)",
			id, t.now.UnixMicro(), entry, note, by); err != nil {
			return storeErr("record centre entry", err)
		}
		_, err := t.exec("UPDATE cases SET updated_at = ? WHERE id = ?", t.now.UnixMicro(), id)
		return storeErr("record centre entry", err)
	})
}

// ReceiveHandover stores a case the centre handed to this hall to work (a village's case escalated
// to the town), as delivered by the sync worker: the case as the centre holds it, its visitor
// masked, its history, and a last line of kind app.EntryHandover with note and by. From then on
// this hall owns the case: its console changes the status and records follow-ups, which the centre
// relays to the hall that opened it. The hall logs app.EventHandedOver, the centre's echo.
func (h *Hall) ReceiveHandover(ctx context.Context, c app.Case, note, by string) (app.Case, error) {
	return h.receive(ctx, c, note, by, receipt{scope: "handover", owner: app.OwnerHall, handed: true,
		entry: app.EntryHandover, event: app.EventHandedOver})
}

// receipt is how the hall stores a case the centre sends it whole.
type receipt struct {
	scope  string    // of the idempotency key
	owner  app.Owner // who owns it here
	handed bool      // handed_over: a town case this hall works
	routed string    // cases.routed (migration 011)
	entry  string    // the kind of the history line the receipt adds
	event  app.EventKind
}

// receive stores case c as r says, with its history and a last line of kind r.entry with note and
// by, and logs r.event, the centre's echo.
func (h *Hall) receive(ctx context.Context, c app.Case, note, by string, r receipt) (app.Case, error) {
	canon, err := app.ParseCaseCode(c.Code)
	if err != nil {
		return app.Case{}, err
	}
	if c.Status.Final() {
		return app.Case{}, app.Errorf(app.ECONFLICT, "a final case is not sent to a hall")
	}
	if by == "" {
		by = string(app.OwnerCentre)
	}
	return write(h, ctx, r.scope+"/"+canon, func(t *txn) (app.Case, error) {
		var n int
		if err := t.queryRow("SELECT count(*) FROM cases WHERE code = ?", canon).Scan(&n); err != nil {
			return app.Case{}, storeErr("receive case", err)
		}
		if n > 0 {
			return app.Case{}, app.Errorf(app.ECONFLICT, "the case is at this hall already")
		}
		var m app.MaskedVisitor
		if c.Visitor != nil {
			m = *c.Visitor
		}
		var closed sql.NullInt64
		if c.ClosedAt != nil {
			closed = sql.NullInt64{Int64: c.ClosedAt.UnixMicro(), Valid: true}
		}
		res, err := t.exec(`INSERT INTO cases (code, service, category, status, owner, unit, level, handling, department,
			summary, result, follow_up_on, deadline, opened_at, updated_at, closed_at, masked_name, masked_id_number,
			masked_phone, handed_over, source, risk, grid, routed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			canon, c.Service, c.Category, c.Status, r.owner, c.Unit, c.Level, c.Handling, c.Department,
			c.Summary, c.Result, c.FollowUpOn, c.Deadline, c.OpenedAt.UnixMicro(), t.now.UnixMicro(), closed,
			m.Name, m.IDNumber, m.Phone, r.handed, c.Source, c.Risk, c.Grid, r.routed)
		if err != nil {
			return app.Case{}, storeErr("receive case", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return app.Case{}, storeErr("receive case", err)
		}
		history := append(c.History, app.CaseEntry{At: t.now, Kind: r.entry, Note: note, By: by})
		for _, e := range history {
			if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, status, note, by) VALUES (?, ?, ?, ?, ?, ?)",
				id, e.At.UnixMicro(), e.Kind, e.Status, e.Note, e.By); err != nil {
				return app.Case{}, storeErr("receive case", err)
			}
		}
		got, err := t.loadCase(id)
		if err != nil {
			return got, err
		}
		t.log(app.Event{Kind: r.event, Case: &got}, id, nil)
		return got, nil
	})
}

// HandedCases returns the cases the centre handed to this hall (镇级受理案件) and those it routed
// here (ReceiveAssigned, ReceiveNotice): open ones first, the most recently changed first, at most
// limit (1 to 500).
func (h *Hall) HandedCases(ctx context.Context, limit int) ([]app.Case, error) {
	limit = min(max(limit, 1), 500)
	rows, err := h.db.read.QueryContext(ctx, `SELECT code FROM cases WHERE handed_over = 1 OR routed <> ''
		ORDER BY status IN ('closed', 'rejected'), updated_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, storeErr("list handed cases", err)
	}
	var codes []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return nil, storeErr("list handed cases", err)
		}
		codes = append(codes, code)
	}
	if err := rows.Close(); err != nil {
		return nil, storeErr("list handed cases", err)
	}
	cases := make([]app.Case, 0, len(codes))
	for _, code := range codes {
		c, _, err := readCase(ctx, h.db.read, "c.code = ?", code)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// handedOver reports whether the case was handed to this hall by the centre.
func handedOver(t *txn, id int64) bool {
	var n int
	return t.queryRow("SELECT handed_over FROM cases WHERE id = ?", id).Scan(&n) == nil && n == 1
}
