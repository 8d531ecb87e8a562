package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fengqiao/app"
)

// txn is one write transaction of the hall, with the events it will log.
type txn struct {
	ctx    context.Context
	tx     *sql.Tx
	now    time.Time
	day    string
	events []pendingEvent
}

type pendingEvent struct {
	ev      app.Event
	caseID  int64
	private any // personal data for the centre only; nil for most events
}

func (t *txn) exec(query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, query, args...)
}

func (t *txn) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// log records an event to be written with the transaction and published after it commits.
func (t *txn) log(ev app.Event, caseID int64, private any) {
	ev.At = t.now
	t.events = append(t.events, pendingEvent{ev: ev, caseID: caseID, private: private})
}

// IdempotencyRetention is how long an Idempotency-Key and its result are kept. Older keys are
// purged when a new key is recorded, and a key older than this acts as new.
const IdempotencyRetention = 24 * time.Hour

// write runs fn in one immediate transaction. With an idempotency key in ctx, a key already seen
// for the same request returns the recorded result without running fn, and a key seen for another
// request (another scope, method, path or body) fails with app.EIDEMPOTENCY; the result of a
// successful fn is recorded in the same transaction as the change, so a retry after a crash cannot
// act twice.
func write[T any](h *Hall, ctx context.Context, scope string, fn func(t *txn) (T, error)) (T, error) {
	var zero T
	if h.db.recovering.Load() {
		return zero, app.Errorf(app.EUNAVAILABLE, "the hall is taking its records back from the centre after a restore; try again shortly")
	}
	idem := app.Idempotency(ctx)
	key := idem.Key
	tx, err := h.db.write.BeginTx(ctx, nil)
	if err != nil {
		return zero, storeErr("begin", err)
	}
	defer tx.Rollback()
	now := h.clock()
	t := &txn{ctx: ctx, tx: tx, now: now, day: app.BusinessDay(now, h.rules.Location, h.rules.ResetAt)}
	expired := now.Add(-IdempotencyRetention).UnixMicro()

	if key != "" {
		var got app.IdempotentRequest
		var gotScope, result string
		err := t.queryRow("SELECT scope, method, path, body_sha256, result FROM idempotency WHERE key = ? AND created_at >= ?",
			key, expired).Scan(&gotScope, &got.Method, &got.Path, &got.BodySHA256, &result)
		switch {
		case err == nil:
			// Keys recorded before the request was stored (method "") are matched on scope alone.
			if gotScope != scope || got.Method != "" && (got.Method != idem.Method || got.Path != idem.Path || got.BodySHA256 != idem.BodySHA256) {
				return zero, app.Errorf(app.EIDEMPOTENCY, "idempotency key was already used for a different request")
			}
			var res T
			if err := json.Unmarshal([]byte(result), &res); err != nil {
				return zero, storeErr("read idempotent result", err)
			}
			return res, nil
		case !errors.Is(err, sql.ErrNoRows):
			return zero, storeErr("read idempotency key", err)
		}
	}

	res, err := fn(t)
	if err != nil {
		return zero, err
	}
	if key != "" {
		b, err := json.Marshal(res)
		if err != nil {
			return zero, storeErr("record idempotent result", err)
		}
		if _, err := t.exec("DELETE FROM idempotency WHERE created_at < ?", expired); err != nil {
			return zero, storeErr("purge idempotency keys", err)
		}
		if _, err := t.exec(`INSERT INTO idempotency (key, scope, method, path, body_sha256, result, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, key, scope, idem.Method, idem.Path, idem.BodySHA256, string(b), now.UnixMicro()); err != nil {
			return zero, storeErr("record idempotency key", err)
		}
	}
	published := make([]app.Event, 0, len(t.events))
	for _, pe := range t.events {
		body, err := json.Marshal(pe.ev)
		if err != nil {
			return zero, storeErr("encode event", err)
		}
		var private sql.NullString
		if pe.private != nil {
			b, err := json.Marshal(pe.private)
			if err != nil {
				return zero, storeErr("encode event", err)
			}
			private = sql.NullString{String: string(b), Valid: true}
		}
		var ticketID, caseID sql.NullInt64
		if pe.ev.Ticket != nil {
			ticketID = sql.NullInt64{Int64: pe.ev.Ticket.ID, Valid: true}
		}
		if pe.caseID != 0 {
			caseID = sql.NullInt64{Int64: pe.caseID, Valid: true}
		}
		r, err := t.exec("INSERT INTO events (at, kind, window_id, ticket_id, case_id, body, private) VALUES (?, ?, ?, ?, ?, ?, ?)",
			now.UnixMicro(), pe.ev.Kind, nullInt(pe.ev.Window), ticketID, caseID, string(body), private)
		if err != nil {
			return zero, storeErr("log event", err)
		}
		ev := pe.ev
		ev.ID, _ = r.LastInsertId()
		published = append(published, ev)
	}
	// Commit and publish under one lock, so that live events reach subscribers in id order.
	h.publish.Lock()
	defer h.publish.Unlock()
	if err := tx.Commit(); err != nil {
		return zero, storeErr("commit", err)
	}
	h.bus.Publish(published...)
	return res, nil
}

// storeErr wraps a database failure. The message names the step, never the data.
func storeErr(step string, err error) error {
	if err == nil {
		return nil
	}
	if ae := (*app.Error)(nil); errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("store: %s: %w", step, err)
	}
	return &storeError{step: step, err: err}
}

type storeError struct {
	step string
	err  error
}

func (e *storeError) Error() string { return "store: " + e.step + ": " + e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

func nullInt(v int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(v), Valid: v != 0}
}

func nullTime(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMicro(v.Int64).UTC()
	return &t
}
