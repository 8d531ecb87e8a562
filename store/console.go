package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fengqiao/app"
)

// StaffCheck reports whether name is a staff member of the hall and pin is their PIN.
// config.Config.Staff provides one (each Staff.CheckPIN).
type StaffCheck func(name, pin string) bool

// Console is a Hall with the window consoles', display's and rating pad's extras: staff
// sessions, ratings, visitor history, audited identity reveals and window counts. It implements
// app.Hall (through the embedded *Hall) and app.Console.
type Console struct {
	*Hall
	check StaffCheck

	mu       sync.Mutex
	failures map[string]*pinFailures // by staff name: wrong PINs in a row
}

var _ app.Console = (*Console)(nil)

type pinFailures struct {
	n     int
	until time.Time
}

// Sign-in lockout: after maxPINFailures wrong PINs in a row a name is refused for pinLockout.
const (
	maxPINFailures = 5
	pinLockout     = 5 * time.Minute
)

// NewConsole returns h with the console's extras, checking sign-ins with check.
func NewConsole(h *Hall, check StaffCheck) *Console {
	return &Console{Hall: h, check: check, failures: map[string]*pinFailures{}}
}

// noKey drops the idempotency key from ctx: the result of these writes holds personal data or
// a secret, which must not be copied into the idempotency table. A retry acts again, harmlessly.
func noKey(ctx context.Context) context.Context { return app.WithIdempotencyKey(ctx, "") }

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// SignIn implements app.Console. Signing in at a window ends the window's earlier session.
func (c *Console) SignIn(ctx context.Context, req app.SignInRequest) (app.StaffSession, error) {
	w, err := c.window(req.Window)
	if err != nil {
		return app.StaffSession{}, err
	}
	name := strings.TrimSpace(req.Name)
	now := c.clock()
	c.mu.Lock()
	f := c.failures[name]
	if f != nil && now.Before(f.until) {
		c.mu.Unlock()
		return app.StaffSession{}, app.Errorf(app.ESIGNIN, "too many wrong PINs; try again later")
	}
	c.mu.Unlock()
	if name == "" || c.check == nil || !c.check(name, req.PIN) {
		c.mu.Lock()
		if f = c.failures[name]; f == nil {
			f = &pinFailures{}
			c.failures[name] = f
		}
		f.n++
		if f.n >= maxPINFailures {
			f.n, f.until = 0, now.Add(pinLockout)
		}
		c.mu.Unlock()
		return app.StaffSession{}, app.Errorf(app.ESIGNIN, "wrong name or PIN")
	}
	c.mu.Lock()
	delete(c.failures, name)
	c.mu.Unlock()

	services := req.Services
	if len(services) == 0 {
		services = w.Services
	}
	for _, s := range services {
		if _, ok := c.service(s); !ok {
			return app.StaffSession{}, app.Errorf(app.EINVALID, "unknown service %q", s)
		}
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return app.StaffSession{}, fmt.Errorf("session token: %w", err)
	}
	tok := hex.EncodeToString(b[:])
	svcJSON, _ := json.Marshal(services)
	return write(c.Hall, noKey(ctx), "signin", func(t *txn) (app.StaffSession, error) {
		if _, err := t.exec("UPDATE staff_sessions SET signed_out_at = ? WHERE window_id = ? AND signed_out_at IS NULL",
			t.now.UnixMicro(), req.Window); err != nil {
			return app.StaffSession{}, storeErr("end earlier session", err)
		}
		if _, err := t.exec(`INSERT INTO staff_sessions (token_hash, staff, window_id, services, signed_in_at)
			VALUES (?, ?, ?, ?, ?)`, hashToken(tok), name, req.Window, string(svcJSON), t.now.UnixMicro()); err != nil {
			return app.StaffSession{}, storeErr("sign in", err)
		}
		return app.StaffSession{Token: tok, Staff: name, Window: req.Window, Services: services, SignedInAt: t.now.UTC()}, nil
	})
}

// SignOut implements app.Console.
func (c *Console) SignOut(ctx context.Context, session string) error {
	_, err := write(c.Hall, noKey(ctx), "signout", func(t *txn) (bool, error) {
		_, err := t.exec("UPDATE staff_sessions SET signed_out_at = ? WHERE token_hash = ? AND signed_out_at IS NULL",
			t.now.UnixMicro(), hashToken(session))
		return true, storeErr("sign out", err)
	})
	return err
}

// session returns the open session with the token.
func (c *Console) session(ctx context.Context, token string) (app.StaffSession, error) {
	var s app.StaffSession
	var services string
	var at int64
	if token == "" {
		return s, app.Errorf(app.ESESSION, "sign in first")
	}
	err := c.db.read.QueryRowContext(ctx, `SELECT staff, window_id, services, signed_in_at FROM staff_sessions
		WHERE token_hash = ? AND signed_out_at IS NULL`, hashToken(token)).Scan(&s.Staff, &s.Window, &services, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, app.Errorf(app.ESESSION, "the session has ended; sign in again")
	}
	if err != nil {
		return s, storeErr("read session", err)
	}
	if err := json.Unmarshal([]byte(services), &s.Services); err != nil {
		return s, storeErr("read session", err)
	}
	if sessionExpired(at, c.clock().UnixMicro()) {
		return s, app.Errorf(app.ESESSION, "the session has expired; sign in again")
	}
	s.Token, s.SignedInAt = token, time.UnixMicro(at).UTC()
	return s, nil
}

// CallNext implements app.Console: Call, restricted to the session's services.
func (c *Console) CallNext(ctx context.Context, session string) (app.Ticket, error) {
	s, err := c.session(ctx, session)
	if err != nil {
		return app.Ticket{}, err
	}
	return c.callServices(ctx, s.Window, s.Services)
}

// callServices is Hall.Call for the given services instead of the window's configured ones.
func (c *Console) callServices(ctx context.Context, window int, services []string) (app.Ticket, error) {
	if _, err := c.window(window); err != nil {
		return app.Ticket{}, err
	}
	return c.callFrom(ctx, window, services)
}

// History implements app.Console: the window's current visitor, looked up through the ticket.
func (c *Console) History(ctx context.Context, session string) (app.VisitorHistory, error) {
	s, err := c.session(ctx, session)
	if err != nil {
		return app.VisitorHistory{}, err
	}
	tk, visitor, kase, err := c.current(ctx, s.Window)
	if err != nil {
		return app.VisitorHistory{}, err
	}
	h := app.VisitorHistory{Ticket: tk, Visits: []app.Visit{}, Open: []app.Case{}}
	if kase.Valid {
		k, _, err := readCase(ctx, c.db.read, "c.id = ?", kase.Int64)
		if err != nil {
			return h, err
		}
		h.Case = &k
	}
	if !visitor.Valid {
		return h, nil
	}
	var idNumber, name, phone string
	if err := c.db.read.QueryRowContext(ctx, "SELECT id_number, name, phone FROM visitors WHERE id = ?", visitor.Int64).
		Scan(&idNumber, &name, &phone); err != nil {
		return h, storeErr("read visitor", err)
	}
	m := app.Visitor{IDNumber: idNumber, Name: name, Phone: phone}.Masked()
	h.Visitor = &m

	rows, err := c.db.read.QueryContext(ctx, `SELECT t.day, t.label, t.service, t.status, coalesce(t.window_id, 0),
		coalesce(c.code, ''), t.issued_at FROM tickets t LEFT JOIN cases c ON c.id = t.case_id
		WHERE t.visitor_id = ? AND t.id != ? ORDER BY t.id DESC LIMIT 20`, visitor.Int64, tk.ID)
	if err != nil {
		return h, storeErr("read visits", err)
	}
	for rows.Next() {
		var v app.Visit
		var st string
		var at int64
		if err := rows.Scan(&v.Day, &v.Label, &v.Service, &st, &v.Window, &v.CaseCode, &at); err != nil {
			rows.Close()
			return h, storeErr("read visits", err)
		}
		v.Status, v.IssuedAt = app.TicketStatus(st), time.UnixMicro(at).UTC()
		h.Visits = append(h.Visits, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, storeErr("read visits", err)
	}

	crows, err := c.db.read.QueryContext(ctx, `SELECT id FROM cases WHERE visitor_id = ? AND id != ?
		AND status NOT IN ('closed', 'rejected') ORDER BY opened_at DESC LIMIT 20`, visitor.Int64, kase.Int64)
	if err != nil {
		return h, storeErr("read open cases", err)
	}
	var ids []int64
	for crows.Next() {
		var id int64
		if err := crows.Scan(&id); err != nil {
			crows.Close()
			return h, storeErr("read open cases", err)
		}
		ids = append(ids, id)
	}
	crows.Close()
	for _, id := range ids {
		k, _, err := readCase(ctx, c.db.read, "c.id = ?", id)
		if err != nil {
			return h, err
		}
		h.Open = append(h.Open, k)
	}
	return h, nil
}

// current returns the window's called or serving ticket with its visitor and case row ids.
func (c *Console) current(ctx context.Context, window int) (app.Ticket, sql.NullInt64, sql.NullInt64, error) {
	var visitor, kase sql.NullInt64
	tk, err := scanTicket(c.db.read.QueryRowContext(ctx, "SELECT "+ticketColumns+ticketFrom+
		"WHERE t.window_id = ? AND t.status IN ('called', 'serving')", window))
	if errors.Is(err, sql.ErrNoRows) {
		return tk, visitor, kase, app.Errorf(app.ECONFLICT, "window %d has no current ticket", window)
	}
	if err != nil {
		return tk, visitor, kase, storeErr("read current ticket", err)
	}
	if err := c.db.read.QueryRowContext(ctx, "SELECT visitor_id, case_id FROM tickets WHERE id = ?", tk.ID).
		Scan(&visitor, &kase); err != nil {
		return tk, visitor, kase, storeErr("read current ticket", err)
	}
	return tk, visitor, kase, nil
}

// Reveal implements app.Console. Every reveal writes an audit record: who, when, which record.
func (c *Console) Reveal(ctx context.Context, session string) (app.Visitor, error) {
	s, err := c.session(ctx, session)
	if err != nil {
		return app.Visitor{}, err
	}
	return write(c.Hall, noKey(ctx), "reveal", func(t *txn) (app.Visitor, error) {
		var v app.Visitor
		tk, err := t.current(s.Window)
		if errors.Is(err, errNoTicket) {
			return v, app.Errorf(app.ECONFLICT, "window %d has no current ticket", s.Window)
		}
		if err != nil {
			return v, err
		}
		var visitor, kase sql.NullInt64
		if err := t.queryRow("SELECT visitor_id, case_id FROM tickets WHERE id = ?", tk.ID).Scan(&visitor, &kase); err != nil {
			return v, storeErr("read ticket", err)
		}
		if !visitor.Valid {
			return v, app.Errorf(app.ENOTFOUND, "ticket %s was issued without an identity", tk.Label)
		}
		if err := t.queryRow("SELECT id_number, name, phone FROM visitors WHERE id = ?", visitor.Int64).
			Scan(&v.IDNumber, &v.Name, &v.Phone); err != nil {
			return v, storeErr("read visitor", err)
		}
		if _, err := t.exec(`INSERT INTO audit_log (at, staff, window_id, action, ticket_id, visitor_id, case_id)
			VALUES (?, ?, ?, 'reveal', ?, ?, ?)`, t.now.UnixMicro(), s.Staff, s.Window, tk.ID, visitor, kase); err != nil {
			return v, storeErr("write audit record", err)
		}
		return v, nil
	})
}

// AuditRecord is one line of the audit log.
type AuditRecord struct {
	At       time.Time
	Staff    string
	Window   int
	Action   string
	Ticket   string // ticket label
	CaseCode string
}

// Audit returns the audit log, newest first.
func (c *Console) Audit(ctx context.Context, limit int) ([]AuditRecord, error) {
	rows, err := c.db.read.QueryContext(ctx, `SELECT a.at, a.staff, a.window_id, a.action, coalesce(t.label, ''),
		coalesce(k.code, '') FROM audit_log a LEFT JOIN tickets t ON t.id = a.ticket_id
		LEFT JOIN cases k ON k.id = a.case_id ORDER BY a.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, storeErr("read audit log", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var r AuditRecord
		var at int64
		if err := rows.Scan(&at, &r.Staff, &r.Window, &r.Action, &r.Ticket, &r.CaseCode); err != nil {
			return nil, storeErr("read audit log", err)
		}
		r.At = time.UnixMicro(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

func (c *Console) today() string {
	return app.BusinessDay(c.clock(), c.rules.Location, c.rules.ResetAt)
}

// WindowStats implements app.Console.
func (c *Console) WindowStats(ctx context.Context, window int) (app.WindowStats, error) {
	w, err := c.window(window)
	if err != nil {
		return app.WindowStats{}, err
	}
	st := app.WindowStats{Window: window, Day: c.today()}
	rows, err := c.db.read.QueryContext(ctx, `SELECT e.kind, count(*) FROM events e JOIN tickets t ON t.id = e.ticket_id
		WHERE e.window_id = ? AND t.day = ? GROUP BY e.kind`, window, st.Day)
	if err != nil {
		return st, storeErr("count window events", err)
	}
	for rows.Next() {
		var kind app.EventKind
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			rows.Close()
			return st, storeErr("count window events", err)
		}
		switch kind {
		case app.EventCalled:
			st.Called = n
		case app.EventSkipped:
			st.Skipped = n
		case app.EventTransferred:
			st.Transferred = n
		case app.EventHeld:
			st.Held = n
		}
	}
	rows.Close()
	var avg sql.NullFloat64
	if err := c.db.read.QueryRowContext(ctx, `SELECT count(*), avg(completed_at - started_at) FROM tickets
		WHERE day = ? AND window_id = ? AND status = 'done'`, st.Day, window).Scan(&st.Completed, &avg); err != nil {
		return st, storeErr("count completed", err)
	}
	st.AvgMinutes = avg.Float64 / 60e6
	if len(w.Services) > 0 {
		args := []any{st.Day}
		for _, s := range w.Services {
			args = append(args, s)
		}
		if err := c.db.read.QueryRowContext(ctx, "SELECT count(*) FROM tickets WHERE day = ? AND status = 'waiting' AND service IN (?"+
			strings.Repeat(",?", len(w.Services)-1)+")", args...).Scan(&st.Waiting); err != nil {
			return st, storeErr("count waiting", err)
		}
	}
	if err := c.db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(score >= 4), 0), coalesce(sum(flagged), 0)
		FROM ratings WHERE day = ? AND window_id = ?`, st.Day, window).Scan(&st.Rated, &st.Satisfied, &st.Flagged); err != nil {
		return st, storeErr("count ratings", err)
	}
	return st, nil
}

// Rate implements app.Console. A ticket is rated once, at the window that completed it, on the
// day it was completed; the rating names the staff member signed in at that window then.
func (c *Console) Rate(ctx context.Context, req app.RateRequest) (app.Rating, error) {
	if !req.Score.Valid() {
		return app.Rating{}, app.Errorf(app.EINVALID, "score must be 1 to 5")
	}
	return write(c.Hall, ctx, fmt.Sprintf("rate/%d", req.Window), func(t *txn) (app.Rating, error) {
		tk, err := t.ticket("t.id = ?", req.Ticket)
		if errors.Is(err, errNoTicket) {
			return app.Rating{}, app.Errorf(app.ENOTFOUND, "no ticket %d", req.Ticket)
		}
		if err != nil {
			return app.Rating{}, err
		}
		if tk.Status != app.TicketDone || tk.Window != req.Window || tk.Day != t.day || tk.CompletedAt == nil {
			return app.Rating{}, app.Errorf(app.ECONFLICT, "ticket %s was not completed at window %d today", tk.Label, req.Window)
		}
		var staff string
		err = t.queryRow(`SELECT staff FROM staff_sessions WHERE window_id = ? AND signed_in_at <= ?
			AND (signed_out_at IS NULL OR signed_out_at >= ?) ORDER BY signed_in_at DESC LIMIT 1`,
			req.Window, tk.CompletedAt.UnixMicro(), tk.CompletedAt.UnixMicro()).Scan(&staff)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return app.Rating{}, storeErr("find staff", err)
		}
		r, err := t.exec(`INSERT INTO ratings (ticket_id, window_id, staff, score, flagged, day, at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
			tk.ID, req.Window, staff, int(req.Score), req.Score.Flagged(), t.day, t.now.UnixMicro())
		if err != nil {
			return app.Rating{}, storeErr("save rating", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return app.Rating{}, app.Errorf(app.ECONFLICT, "ticket %s is already rated", tk.Label)
		}
		id, _ := r.LastInsertId()
		rating := app.Rating{ID: id, Ticket: tk.ID, Label: tk.Label, Window: req.Window, Staff: staff, Score: req.Score,
			Flagged: req.Score.Flagged(), CaseCode: tk.CaseCode, At: t.now.UTC()}
		// The rating is an event like every other change: it reaches the centre's 好差评 statistics.
		var caseID sql.NullInt64
		if err := t.queryRow("SELECT case_id FROM tickets WHERE id = ?", tk.ID).Scan(&caseID); err != nil {
			return app.Rating{}, storeErr("save rating", err)
		}
		t.log(app.Event{Kind: app.EventRated, Window: req.Window, Ticket: &tk, Rating: &rating}, caseID.Int64, nil)
		return rating, nil
	})
}

// Ratings implements app.Console: today's ratings (flaggedOnly: every rating still waiting for
// its follow-up, whatever its day), newest first.
func (c *Console) Ratings(ctx context.Context, flaggedOnly bool) ([]app.Rating, error) {
	where, args := "r.day = ?", []any{c.today()}
	if flaggedOnly {
		where, args = "r.flagged = 1 AND r.followed_up_at IS NULL", nil
	}
	rows, err := c.db.read.QueryContext(ctx, `SELECT r.id, r.ticket_id, t.label, r.window_id, r.staff, r.score,
		r.flagged, coalesce(k.code, ''), r.at FROM ratings r JOIN tickets t ON t.id = r.ticket_id
		LEFT JOIN cases k ON k.id = t.case_id WHERE `+where+" ORDER BY r.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, storeErr("read ratings", err)
	}
	defer rows.Close()
	out := []app.Rating{}
	for rows.Next() {
		var r app.Rating
		var at int64
		if err := rows.Scan(&r.ID, &r.Ticket, &r.Label, &r.Window, &r.Staff, &r.Score, &r.Flagged, &r.CaseCode, &at); err != nil {
			return nil, storeErr("read ratings", err)
		}
		r.At = time.UnixMicro(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
