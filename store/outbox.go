package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"fengqiao/app"
)

// This file gives the sync worker (package hallsync) its view of the database: the events table
// read as an outbox, and the durable sync cursor of migration 002. Reads use the reader pool and
// writes are single-statement transactions, so syncing never holds up the kiosk or the windows.

// OutboxEvent is one row of the events table as it is sent to the centre.
type OutboxEvent struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Kind    app.EventKind   `json:"kind"`
	Body    json.RawMessage `json:"body"`              // the public app.Event
	Private json.RawMessage `json:"private,omitempty"` // app.Visitor, on the first event of a visitor's case or ticket
}

// Outbox returns up to limit events with an id above after, in id order.
func (db *DB) Outbox(ctx context.Context, after int64, limit int) ([]OutboxEvent, error) {
	rows, err := db.read.QueryContext(ctx,
		"SELECT id, at, kind, body, private FROM events WHERE id > ? ORDER BY id LIMIT ?", after, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var at int64
		var body string
		var private sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Kind, &body, &private); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		e.At = time.UnixMicro(at).UTC()
		e.Body = json.RawMessage(body)
		if private.Valid {
			e.Private = json.RawMessage(private.String)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// SyncState is the sync worker's durable position and health.
type SyncState struct {
	Pushed        int64      // highest event id the centre confirmed
	Pulled        int64      // highest centre change applied here
	Backlog       int64      // events not yet confirmed by the centre
	OldestPending *time.Time // time of the oldest such event
	LastSuccess   *time.Time // end of the last exchange that succeeded
	LastError     string     // the last failure, cleared by a success
	LastErrorAt   *time.Time
	Epoch         string // this database's epoch
	Recovering    bool   // a restored or rebuilt hall still recovering its events from the centre
	Lost          int64  // events a client saw that never reached the centre (lost in a restore)
}

// SyncState reads the sync cursor and the outbox backlog.
func (db *DB) SyncState(ctx context.Context) (SyncState, error) {
	var s SyncState
	var success, errAt, oldest sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT c.pushed, c.pulled, c.last_success, c.last_error, c.last_error_at,
		(SELECT count(*) FROM events WHERE id > c.pushed), (SELECT min(at) FROM events WHERE id > c.pushed)
		FROM sync_cursor c WHERE c.id = 1`).Scan(&s.Pushed, &s.Pulled, &success, &s.LastError, &errAt, &s.Backlog, &oldest)
	if err != nil {
		return s, fmt.Errorf("read sync state: %w", err)
	}
	s.LastSuccess, s.LastErrorAt, s.OldestPending = fromMicros(success), fromMicros(errAt), fromMicros(oldest)
	r, err := db.Recovery(ctx)
	if err != nil {
		return s, fmt.Errorf("read sync state: %w", err)
	}
	s.Epoch, s.Recovering, s.Lost = db.epoch, r.Pending, r.Lost
	return s, nil
}

// AdvancePushed moves the push cursor forward to id (never back) and records a success at now.
func (db *DB) AdvancePushed(ctx context.Context, id int64, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sync_cursor SET pushed = max(pushed, ?), last_success = ?,
		last_error = '', last_error_at = NULL WHERE id = 1`, id, now.UnixMicro())
	if err != nil {
		return fmt.Errorf("advance push cursor: %w", err)
	}
	return nil
}

// RecordPulled records that the centre change seq was handled with the given outcome ("applied",
// or the hall's refusal code) and moves the pull cursor to it, in one transaction. It reports false
// if seq had been handled before.
func (db *DB) RecordPulled(ctx context.Context, seq int64, code, kind, outcome string, now time.Time) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record centre change %d: %w", seq, err)
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, `INSERT INTO sync_inbound (seq, code, kind, outcome, handled_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (seq) DO NOTHING`, seq, code, kind, outcome, now.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("record centre change %d: %w", seq, err)
	}
	n, _ := r.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE sync_cursor SET pulled = max(pulled, ?), last_success = ?,
		last_error = '', last_error_at = NULL WHERE id = 1`, seq, now.UnixMicro()); err != nil {
		return false, fmt.Errorf("advance pull cursor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record centre change %d: %w", seq, err)
	}
	return n == 1, nil
}

// PulledOutcome returns the outcome recorded for centre change seq, or "" if it was not handled.
func (db *DB) PulledOutcome(ctx context.Context, seq int64) (string, error) {
	var outcome string
	err := db.read.QueryRowContext(ctx, "SELECT outcome FROM sync_inbound WHERE seq = ?", seq).Scan(&outcome)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read centre change %d: %w", seq, err)
	}
	return outcome, nil
}

// RecordSyncError notes a failed exchange with the centre. msg must hold no personal data.
func (db *DB) RecordSyncError(ctx context.Context, msg string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, "UPDATE sync_cursor SET last_error = ?, last_error_at = ? WHERE id = 1",
		msg, now.UnixMicro())
	if err != nil {
		return fmt.Errorf("record sync error: %w", err)
	}
	return nil
}
