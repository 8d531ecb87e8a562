package store

import (
	"context"
	"database/sql"
	"errors"

	"fengqiao/app"
)

// SessionMaxAge is how long a staff session lasts without a new sign-in: one working day.
const SessionMaxAge = 16 * 3600 // seconds

// Session returns the open staff session with the token: ESESSION when it is unknown, signed
// out or older than SessionMaxAge. The hub checks every window action against it.
func (c *Console) Session(ctx context.Context, token string) (app.StaffSession, error) {
	return c.session(ctx, token)
}

// CaseAtWindow reports whether the case with code belongs to a ticket that the window holds now:
// its current (called or serving) ticket or one it has set aside (held). A case the centre handed
// to this hall (ReceiveHandover) or gave it (ReceiveAssigned) has no ticket here: any window's
// signed-in staff work it.
func (h *Hall) CaseAtWindow(ctx context.Context, window int, code string) (bool, error) {
	canon, err := app.ParseCaseCode(code)
	if err != nil {
		return false, err
	}
	var n int
	err = h.db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tickets t JOIN cases c ON c.id = t.case_id
		WHERE c.code = ? AND t.window_id = ? AND t.status IN ('called', 'serving', 'held'))
		+ (SELECT count(*) FROM cases WHERE code = ? AND (handed_over = 1 OR routed = 'assign'))`, canon, window, canon).Scan(&n)
	if err != nil {
		return false, storeErr("read case window", err)
	}
	return n > 0, nil
}

// ConfirmPriority records that the window's staff checked the priority of its current ticket (an
// elderly visitor's typed ID number against the card, a declared 孕妇 or 残疾).
func (h *Hall) ConfirmPriority(ctx context.Context, window int) (app.Ticket, error) {
	return h.withCurrent(ctx, window, "confirm-priority", calledServing, func(t *txn, tk app.Ticket) (app.Ticket, error) {
		if tk.Priority == app.PriorityNone {
			return tk, app.Errorf(app.ECONFLICT, "ticket %s has no priority to confirm", tk.Label)
		}
		if _, err := t.exec("UPDATE tickets SET priority_verified = 1 WHERE id = ?", tk.ID); err != nil {
			return tk, storeErr("confirm priority", err)
		}
		return t.changed(tk.ID, window, app.EventPriorityConfirmed)
	})
}

// sessionExpired reports whether a session signed in at signedIn has expired at now (both in
// microseconds).
func sessionExpired(signedIn, now int64) bool { return now-signedIn > SessionMaxAge*1_000_000 }

// WindowStaff returns the name of the staff member signed in at the window, or "".
func (c *Console) WindowStaff(ctx context.Context, window int) (string, error) {
	var name string
	err := c.db.read.QueryRowContext(ctx, `SELECT staff FROM staff_sessions WHERE window_id = ? AND signed_out_at IS NULL
		ORDER BY signed_in_at DESC LIMIT 1`, window).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", storeErr("read window staff", err)
	}
	return name, nil
}
