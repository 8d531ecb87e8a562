package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fengqiao/app"
)

// Hall implements app.Hall on a DB.
type Hall struct {
	db       *DB
	info     app.Info
	services []app.Service
	windows  []app.Window
	rules    app.Rules
	clock    app.Clock
	bus      app.Bus
	plan     *app.BookingPlan // appointments (预约); nil: the hall takes none
	publish  sync.Mutex       // held from commit to publish, so live events are published in id order
}

var _ app.Hall = (*Hall)(nil)

// NewHall returns the hall's queue authority on db, serving info.Services at info.Windows. clock
// may be nil for the system clock.
func NewHall(db *DB, info app.Info, rules app.Rules, clock app.Clock) *Hall {
	if clock == nil {
		clock = time.Now
	}
	if rules.Location == nil {
		rules.Location = time.Local
	}
	if info.Hours == "" {
		info.Hours = rules.Hours.String()
	}
	return &Hall{db: db, info: info, services: info.Services, windows: info.Windows, rules: rules, clock: clock}
}

// Info implements app.Hall.
func (h *Hall) Info(context.Context) (app.Info, error) { return h.info, nil }

// Services returns the hall's service catalogue.
func (h *Hall) Services() []app.Service { return h.services }

// Windows returns the hall's windows.
func (h *Hall) Windows() []app.Window { return h.windows }

// Rules returns the hall's queue rules.
func (h *Hall) Rules() app.Rules { return h.rules }

// DB returns the underlying database.
func (h *Hall) DB() *DB { return h.db }

func (h *Hall) service(code string) (app.Service, bool) {
	for _, s := range h.services {
		if s.Code == code {
			return s, true
		}
	}
	return app.Service{}, false
}

func (h *Hall) window(id int) (app.Window, error) {
	for _, w := range h.windows {
		if w.ID == id {
			return w, nil
		}
	}
	return app.Window{}, app.Errorf(app.ENOTFOUND, "window %d does not exist", id)
}

// ticketColumns are selected by scanTicket, in its order.
const ticketColumns = `t.id, t.day, t.number, t.label, t.service, t.priority, t.status, coalesce(t.window_id, 0),
	t.recalls, t.category, t.ahead, coalesce(c.code, ''), t.issued_at, t.arrived_at, t.called_at, t.started_at, t.completed_at,
	t.priority_basis, t.priority_verified, t.booking, t.slot`

const ticketFrom = ` FROM tickets t LEFT JOIN cases c ON c.id = t.case_id `

type scanner interface{ Scan(dest ...any) error }

func scanTicket(row scanner) (app.Ticket, error) {
	var t app.Ticket
	var issued, arrived int64
	var called, started, completed, slot sql.NullInt64
	var prio, status string
	err := row.Scan(&t.ID, &t.Day, &t.Number, &t.Label, &t.Service, &prio, &status, &t.Window,
		&t.Recalls, &t.Category, &t.Ahead, &t.CaseCode, &issued, &arrived, &called, &started, &completed,
		&t.PriorityBasis, &t.PriorityVerified, &t.Booking, &slot)
	if err != nil {
		return t, err
	}
	t.Priority, t.Status = app.Priority(prio), app.TicketStatus(status)
	t.IssuedAt, t.ArrivedAt = time.UnixMicro(issued).UTC(), time.UnixMicro(arrived).UTC()
	t.CalledAt, t.StartedAt, t.CompletedAt = fromMicros(called), fromMicros(started), fromMicros(completed)
	t.Slot = fromMicros(slot)
	return t, nil
}

func (t *txn) ticket(where string, args ...any) (app.Ticket, error) {
	tk, err := scanTicket(t.queryRow("SELECT "+ticketColumns+ticketFrom+"WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return tk, errNoTicket
	}
	if err != nil {
		return tk, storeErr("read ticket", err)
	}
	return tk, nil
}

var errNoTicket = app.Errorf(app.ENOTFOUND, "no such ticket")

// Issue implements app.Hall.
func (h *Hall) Issue(ctx context.Context, req app.IssueRequest) (app.Ticket, error) {
	return write(h, ctx, "issue", func(t *txn) (app.Ticket, error) { return h.issue(t, req, nil) })
}

// issue issues a ticket; bk is the booking checked in for it (a booked ticket), nil for a walk-in.
func (h *Hall) issue(t *txn, req app.IssueRequest, bk *app.Booking) (app.Ticket, error) {
	svc, ok := h.service(req.Service)
	if !ok {
		return app.Ticket{}, app.Errorf(app.EINVALID, "unknown service %q", req.Service)
	}
	if req.Category != "" && len(svc.Categories) > 0 && !svc.HasCategory(req.Category) {
		return app.Ticket{}, app.Errorf(app.EINVALID, "unknown category for service %s", svc.Code)
	}
	if !h.rules.Hours.Open(t.now.In(h.rules.Location)) {
		return app.Ticket{}, app.Errorf(app.ECLOSED, "the hall is closed; opening hours are %s", h.rules.Hours.English())
	}
	var idNumber *app.IDNumber
	if v := req.Visitor; v != nil {
		id, err := app.ParseIDNumber(v.IDNumber)
		if err != nil {
			return app.Ticket{}, app.Errorf(app.EINVALID, "visitor: %v", err)
		}
		if err := v.Check(); err != nil {
			return app.Ticket{}, err
		}
		idNumber = &id
	}
	grant, err := app.GrantPriority(req, idNumber, t.now.In(h.rules.Location), h.rules.ElderlyAge)
	if err != nil {
		return app.Ticket{}, err
	}

	var visitorID sql.NullInt64
	var private any
	if v := req.Visitor; v != nil {
		id := *idNumber
		vid, err := t.upsertVisitor(app.Visitor{IDNumber: id.Raw, Name: v.Name, Phone: v.Phone})
		if err != nil {
			return app.Ticket{}, err
		}
		visitorID = sql.NullInt64{Int64: vid, Valid: true}
		if h.rules.PerIDLimit > 0 {
			var n int
			if err := t.queryRow("SELECT count(*) FROM tickets WHERE visitor_id = ? AND day = ? AND issued_service = ?",
				vid, t.day, svc.Code).Scan(&n); err != nil {
				return app.Ticket{}, storeErr("count visitor tickets", err)
			}
			if n >= h.rules.PerIDLimit {
				return app.Ticket{}, app.Errorf(app.ELIMIT, "this ID number already has %d tickets for %s today; the limit is %d", n, svc.Code, h.rules.PerIDLimit)
			}
		}
		private = app.Visitor{IDNumber: id.Raw, Name: v.Name, Phone: v.Phone, FromCard: v.FromCard}
	}

	// The case: continue the visitor's open case, or open a new one.
	var caseID int64
	var kase app.Case
	if req.LinkCase != "" {
		code, err := app.ParseCaseCode(req.LinkCase)
		if err != nil {
			return app.Ticket{}, err
		}
		var owner sql.NullInt64
		var status string
		err = t.queryRow("SELECT id, visitor_id, status FROM cases WHERE code = ?", code).Scan(&caseID, &owner, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (!visitorID.Valid || owner.Int64 != visitorID.Int64)) {
			// The same answer whether the case is unknown or someone else's.
			return app.Ticket{}, app.Errorf(app.ENOTFOUND, "no such open case for this visitor")
		}
		if err != nil {
			return app.Ticket{}, storeErr("read case", err)
		}
		if app.CaseStatus(status).Final() {
			return app.Ticket{}, app.Errorf(app.ECONFLICT, "the case is already closed")
		}
	} else {
		kase = app.Case{Code: app.NewCaseCode(), Service: svc.Code, Category: req.Category,
			Status: app.CaseRegistered, Owner: app.OwnerHall, OpenedAt: t.now, UpdatedAt: t.now}
		r, err := t.exec(`INSERT INTO cases (code, service, category, status, owner, visitor_id, opened_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, kase.Code, kase.Service, kase.Category, kase.Status, kase.Owner,
			visitorID, t.now.UnixMicro(), t.now.UnixMicro())
		if err != nil {
			return app.Ticket{}, storeErr("open case", err)
		}
		caseID, _ = r.LastInsertId()
		if _, err := t.exec("INSERT INTO case_entries (case_id, at, kind, status, by) VALUES (?, ?, ?, ?, ?)",
			caseID, t.now.UnixMicro(), app.EntryStatus, app.CaseRegistered, app.OwnerHall); err != nil {
			return app.Ticket{}, storeErr("open case", err)
		}
	}

	var number int
	if err := t.queryRow(`INSERT INTO counters (day, service, last) VALUES (?, ?, 1)
		ON CONFLICT (day, service) DO UPDATE SET last = last + 1 RETURNING last`, t.day, svc.Code).Scan(&number); err != nil {
		return app.Ticket{}, storeErr("next number", err)
	}
	var ahead int
	if err := t.queryRow("SELECT count(*) FROM tickets WHERE day = ? AND service = ? AND status = 'waiting'",
		t.day, svc.Code).Scan(&ahead); err != nil {
		return app.Ticket{}, storeErr("count waiting", err)
	}
	label := app.FormatLabel(svc.Prefix, number)
	var booking string
	var slot *time.Time
	if bk != nil {
		booking, slot = bk.Code, &bk.Slot
	}
	r, err := t.exec(`INSERT INTO tickets (day, number, label, issued_service, service, priority, status, category,
		ahead, case_id, visitor_id, issued_at, arrived_at, priority_basis, priority_verified, booking, slot)
		VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.day, number, label, svc.Code, svc.Code, grant.Priority, req.Category, ahead, caseID, visitorID,
		t.now.UnixMicro(), t.now.UnixMicro(), grant.Basis, grant.Verified, booking, nullTime(slot))
	if err != nil {
		return app.Ticket{}, storeErr("insert ticket", err)
	}
	id, _ := r.LastInsertId()
	tk, err := t.ticket("t.id = ?", id)
	if err != nil {
		return tk, err
	}
	if req.LinkCase == "" {
		c, err := t.loadCase(caseID)
		if err != nil {
			return tk, err
		}
		t.log(app.Event{Kind: app.EventCaseOpened, Case: &c}, caseID, private)
		private = nil
	}
	t.log(app.Event{Kind: app.EventIssued, Ticket: &tk}, caseID, private)
	return tk, nil
}

func (t *txn) upsertVisitor(v app.Visitor) (int64, error) {
	var id int64
	err := t.queryRow(`INSERT INTO visitors (id_number, name, phone, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id_number) DO UPDATE SET
			name = CASE WHEN excluded.name != '' THEN excluded.name ELSE visitors.name END,
			phone = CASE WHEN excluded.phone != '' THEN excluded.phone ELSE visitors.phone END
		RETURNING id`, v.IDNumber, v.Name, v.Phone, t.now.UnixMicro()).Scan(&id)
	if err != nil {
		return 0, storeErr("save visitor", err)
	}
	return id, nil
}

// current returns the window's called or serving ticket, or errNoTicket.
func (t *txn) current(window int) (app.Ticket, error) {
	return t.ticket("t.window_id = ? AND t.status IN ('called', 'serving')", window)
}

// requireIdle fails unless the window has no current ticket.
func (t *txn) requireIdle(window int) error {
	cur, err := t.current(window)
	switch {
	case err == nil:
		return app.Errorf(app.ECONFLICT, "window %d is still serving %s; complete, skip or hold it first", window, cur.Label)
	case errors.Is(err, errNoTicket):
		return nil
	default:
		return err
	}
}

func (t *txn) paused(window int) (bool, error) {
	var p int
	err := t.queryRow("SELECT paused FROM windows WHERE id = ?", window).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, storeErr("read window", err)
	}
	return p != 0, nil
}

// Call implements app.Hall.
func (h *Hall) Call(ctx context.Context, window int) (app.Ticket, error) {
	w, err := h.window(window)
	if err != nil {
		return app.Ticket{}, err
	}
	return h.callFrom(ctx, window, w.Services)
}

// callFrom gives the window the next waiting ticket of the services, by the fairness rule; the
// window's priority streak is read and saved in the same transaction as the call.
func (h *Hall) callFrom(ctx context.Context, window int, services []string) (app.Ticket, error) {
	return write(h, ctx, fmt.Sprintf("call/%d", window), func(t *txn) (app.Ticket, error) {
		if p, err := t.paused(window); err != nil {
			return app.Ticket{}, err
		} else if p {
			return app.Ticket{}, app.Errorf(app.EPAUSED, "window %d is paused", window)
		}
		if err := t.requireIdle(window); err != nil {
			return app.Ticket{}, err
		}
		if len(services) == 0 {
			return app.Ticket{}, app.Errorf(app.ENONE, "nobody is waiting")
		}
		in := "(?" + strings.Repeat(",?", len(services)-1) + ")"
		args := []any{t.day}
		for _, s := range services {
			args = append(args, s)
		}
		// Only the oldest priority and the oldest normal walk-in, and the booked ticket of the
		// earliest open slot, can be next (app.PickCall).
		var candidates []app.Ticket
		for _, cond := range []string{"t.booking = '' AND t.priority != ''", "t.booking = '' AND t.priority = ''"} {
			tk, err := t.ticket("t.day = ? AND t.status = 'waiting' AND t.service IN "+in+" AND "+cond+
				" ORDER BY t.arrived_at, t.id LIMIT 1", args...)
			if errors.Is(err, errNoTicket) {
				continue
			}
			if err != nil {
				return app.Ticket{}, err
			}
			candidates = append(candidates, tk)
		}
		if len(candidates) == 2 && candidates[1].ArrivedAt.Before(candidates[0].ArrivedAt) {
			candidates[0], candidates[1] = candidates[1], candidates[0]
		}
		booked, err := t.ticket("t.day = ? AND t.status = 'waiting' AND t.service IN "+in+
			" AND t.booking != '' AND t.slot <= ? ORDER BY t.slot, t.arrived_at, t.id LIMIT 1", append(args, t.now.UnixMicro())...)
		switch {
		case err == nil:
			candidates = append(candidates, booked)
		case !errors.Is(err, errNoTicket):
			return app.Ticket{}, err
		}
		var st app.Streaks
		if err := t.queryRow("SELECT coalesce(max(priority_streak), 0), coalesce(max(booked_run), 0) FROM windows WHERE id = ?",
			window).Scan(&st.Priority, &st.Booked); err != nil {
			return app.Ticket{}, storeErr("read priority streak", err)
		}
		i, st := app.PickCall(candidates, t.now, st, h.rules.MaxPriorityStreak, app.MaxBookedRun)
		if i < 0 {
			return app.Ticket{}, app.Errorf(app.ENONE, "nobody is waiting")
		}
		if _, err := t.exec(`INSERT INTO windows (id, priority_streak, booked_run) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET priority_streak = excluded.priority_streak, booked_run = excluded.booked_run`,
			window, st.Priority, st.Booked); err != nil {
			return app.Ticket{}, storeErr("save priority streak", err)
		}
		return t.callTicket(candidates[i], window, "waiting", app.EventCalled)
	})
}

// callTicket gives tk to the window if it is still in status from.
func (t *txn) callTicket(tk app.Ticket, window int, from string, kind app.EventKind) (app.Ticket, error) {
	r, err := t.exec("UPDATE tickets SET status = 'called', window_id = ?, called_at = ? WHERE id = ? AND status = ?",
		window, t.now.UnixMicro(), tk.ID, from)
	if err != nil {
		return app.Ticket{}, storeErr("call ticket", err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return app.Ticket{}, app.Errorf(app.ECONFLICT, "ticket %s is no longer waiting", tk.Label)
	}
	return t.changed(tk.ID, window, kind)
}

// changed reloads a ticket after a change and logs the event.
func (t *txn) changed(id int64, window int, kind app.EventKind) (app.Ticket, error) {
	tk, err := t.ticket("t.id = ?", id)
	if err != nil {
		return tk, err
	}
	var caseID sql.NullInt64
	_ = t.queryRow("SELECT case_id FROM tickets WHERE id = ?", id).Scan(&caseID)
	t.log(app.Event{Kind: kind, Window: window, Ticket: &tk}, caseID.Int64, nil)
	return tk, nil
}

// CallNumber implements app.Hall.
func (h *Hall) CallNumber(ctx context.Context, window int, label string) (app.Ticket, error) {
	if _, err := h.window(window); err != nil {
		return app.Ticket{}, err
	}
	return write(h, ctx, fmt.Sprintf("callnumber/%d", window), func(t *txn) (app.Ticket, error) {
		if err := t.requireIdle(window); err != nil {
			return app.Ticket{}, err
		}
		tk, err := t.ticket("t.day = ? AND t.label = ?", t.day, label)
		if errors.Is(err, errNoTicket) {
			return tk, app.Errorf(app.ENOTFOUND, "no ticket %s today", label)
		}
		if err != nil {
			return tk, err
		}
		switch tk.Status {
		case app.TicketWaiting, app.TicketSkipped, app.TicketHeld:
		default:
			return tk, app.Errorf(app.ECONFLICT, "ticket %s is %s and cannot be called", tk.Label, tk.Status)
		}
		return t.callTicket(tk, window, string(tk.Status), app.EventCalled)
	})
}

// withCurrent runs fn on the window's current ticket, which must be in one of the given statuses.
func (h *Hall) withCurrent(ctx context.Context, window int, scope string, statuses []app.TicketStatus,
	fn func(t *txn, tk app.Ticket) (app.Ticket, error)) (app.Ticket, error) {
	if _, err := h.window(window); err != nil {
		return app.Ticket{}, err
	}
	return write(h, ctx, fmt.Sprintf("%s/%d", scope, window), func(t *txn) (app.Ticket, error) {
		tk, err := t.current(window)
		if errors.Is(err, errNoTicket) {
			return tk, app.Errorf(app.ECONFLICT, "window %d has no current ticket", window)
		}
		if err != nil {
			return tk, err
		}
		ok := false
		for _, s := range statuses {
			ok = ok || tk.Status == s
		}
		if !ok {
			return tk, app.Errorf(app.ECONFLICT, "ticket %s is %s; %s is not possible now", tk.Label, tk.Status, scope)
		}
		return fn(t, tk)
	})
}

var (
	calledOnly    = []app.TicketStatus{app.TicketCalled}
	calledServing = []app.TicketStatus{app.TicketCalled, app.TicketServing}
)

// Recall implements app.Hall.
func (h *Hall) Recall(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "recall", calledOnly, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if tk.Recalls >= h.rules.MaxRecalls {
			return tk, app.Errorf(app.ECONFLICT, "ticket %s was recalled %d times already; mark it as a no-show", tk.Label, tk.Recalls)
		}
		if _, err := t.exec("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", tk.ID); err != nil {
			return tk, storeErr("recall", err)
		}
		return t.changed(tk.ID, window, app.EventRecalled)
	})
}

// Skip implements app.Hall.
func (h *Hall) Skip(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "skip", calledOnly, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if _, err := t.exec("UPDATE tickets SET status = 'skipped' WHERE id = ?", tk.ID); err != nil {
			return tk, storeErr("skip", err)
		}
		return t.changed(tk.ID, window, app.EventSkipped)
	})
}

// Transfer implements app.Hall.
func (h *Hall) Transfer(ctx context.Context, window int, service string) (app.Ticket, error) {
	if _, ok := h.service(service); !ok {
		return app.Ticket{}, app.Errorf(app.EINVALID, "unknown service %q", service)
	}
	return h.withCurrent(ctx, window, "transfer", calledServing, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if tk.Service == service {
			return tk, app.Errorf(app.EINVALID, "ticket %s is already in that service's queue", tk.Label)
		}
		if _, err := t.exec(`UPDATE tickets SET status = 'waiting', service = ?, window_id = NULL, called_at = NULL,
			started_at = NULL, recalls = 0 WHERE id = ?`, service, tk.ID); err != nil {
			return tk, storeErr("transfer", err)
		}
		return t.changed(tk.ID, window, app.EventTransferred)
	})
}

// Hold implements app.Hall.
func (h *Hall) Hold(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "hold", calledServing, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if _, err := t.exec("UPDATE tickets SET status = 'held' WHERE id = ?", tk.ID); err != nil {
			return tk, storeErr("hold", err)
		}
		return t.changed(tk.ID, window, app.EventHeld)
	})
}

// Resume implements app.Hall.
func (h *Hall) Resume(ctx context.Context, window int, label string) (app.Ticket, error) {
	if _, err := h.window(window); err != nil {
		return app.Ticket{}, err
	}
	return write(h, ctx, fmt.Sprintf("resume/%d", window), func(t *txn) (app.Ticket, error) {
		if err := t.requireIdle(window); err != nil {
			return app.Ticket{}, err
		}
		tk, err := t.ticket("t.window_id = ? AND t.status = 'held' AND t.label = ? ORDER BY t.id DESC LIMIT 1", window, label)
		if errors.Is(err, errNoTicket) {
			return tk, app.Errorf(app.ENOTFOUND, "window %d holds no ticket %s", window, label)
		}
		if err != nil {
			return tk, err
		}
		status := "called"
		if tk.StartedAt != nil {
			status = "serving"
		}
		if _, err := t.exec("UPDATE tickets SET status = ? WHERE id = ?", status, tk.ID); err != nil {
			return tk, storeErr("resume", err)
		}
		return t.changed(tk.ID, window, app.EventResumed)
	})
}

// Start implements app.Hall.
func (h *Hall) Start(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "start", calledOnly, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if _, err := t.exec("UPDATE tickets SET status = 'serving', started_at = ? WHERE id = ?", t.now.UnixMicro(), tk.ID); err != nil {
			return tk, storeErr("start", err)
		}
		return t.changed(tk.ID, window, app.EventStarted)
	})
}

// Complete implements app.Hall.
func (h *Hall) Complete(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "complete", calledServing, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if _, err := t.exec(`UPDATE tickets SET status = 'done', started_at = coalesce(started_at, ?), completed_at = ?
			WHERE id = ?`, t.now.UnixMicro(), t.now.UnixMicro(), tk.ID); err != nil {
			return tk, storeErr("complete", err)
		}
		return t.changed(tk.ID, window, app.EventCompleted)
	})
}

// SetPaused implements app.Hall.
func (h *Hall) SetPaused(ctx context.Context, window int, paused bool) (app.WindowState, error) {
	w, err := h.window(window)
	if err != nil {
		return app.WindowState{}, err
	}
	return write(h, ctx, fmt.Sprintf("pause/%d/%v", window, paused), func(t *txn) (app.WindowState, error) {
		p := 0
		kind := app.EventUnpaused
		if paused {
			p, kind = 1, app.EventPaused
		}
		if _, err := t.exec(`INSERT INTO windows (id, paused) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET paused = excluded.paused`, window, p); err != nil {
			return app.WindowState{}, storeErr("pause window", err)
		}
		t.log(app.Event{Kind: kind, Window: window}, 0, nil)
		return app.WindowState{ID: w.ID, Name: w.Name, Paused: paused}, nil
	})
}
