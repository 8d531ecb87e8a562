package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
)

// This file is the hall's side of recovery after a restore or a lost disk (docs/sync.md, "Epochs
// and recovery"): the database starts a new epoch and is marked to take back from the centre the
// events of its own it had pushed beyond what it holds, before it serves or pushes again.

// NumberMargin is how many numbers of each service today's counters skip after a recovery, on top
// of one per event known to be lost, so that no ticket number is issued twice in a day.
const NumberMargin = 20

// Recovery is the database's recovery state.
type Recovery struct {
	Pending          bool     // the hall must recover from the centre before it serves or pushes
	After            int64    // when pending: the events it holds end here; it takes back those after
	RecoveredThrough int64    // ids up to here are the log the centre holds (0: never restored)
	Lineage          []string // earlier epochs of this log
	ClientSeen       int64    // the highest id a client reported from an earlier epoch
	Lost             int64    // events a client saw that never reached the centre
}

// Recovery reads the database's recovery state.
func (db *DB) Recovery(ctx context.Context) (Recovery, error) {
	m, err := db.meta(ctx, db.read)
	if err != nil {
		return Recovery{}, err
	}
	r := Recovery{Lineage: strings.Fields(m["lineage"])}
	if v, ok := m["recover_after"]; ok {
		r.Pending = true
		r.After, _ = strconv.ParseInt(v, 10, 64)
	}
	r.RecoveredThrough, _ = strconv.ParseInt(m["recovered_through"], 10, 64)
	r.ClientSeen, _ = strconv.ParseInt(m["client_seen"], 10, 64)
	r.Lost, _ = strconv.ParseInt(m["lost"], 10, 64)
	return r, nil
}

func (db *DB) meta(ctx context.Context, q queryer) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM hall_meta")
	if err != nil {
		return nil, fmt.Errorf("read hall_meta: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read hall_meta: %w", err)
		}
		m[k] = v
	}
	return m, rows.Err()
}

func setMeta(ctx context.Context, tx *sql.Tx, kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hall_meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, kv[i], kv[i+1]); err != nil {
			return fmt.Errorf("write hall_meta %s: %w", kv[i], err)
		}
	}
	return nil
}

// StartRecovery gives the database a new epoch and marks it to take back from the centre the
// events after the newest one it holds: restore calls it on the restored copy, and
// "fengqiao hub --recover" on the empty database of a hall whose disk died. The old epoch joins
// the lineage when the database holds events of it.
func (db *DB) StartRecovery(ctx context.Context) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("new epoch: %w", err)
	}
	epoch := hex.EncodeToString(b[:])
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("start recovery: %w", err)
	}
	defer tx.Rollback()
	m, err := db.meta(ctx, tx)
	if err != nil {
		return err
	}
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&last); err != nil {
		return fmt.Errorf("start recovery: %w", err)
	}
	lineage := strings.Fields(m["lineage"])
	if last > 0 && !slices.Contains(lineage, m["epoch"]) {
		lineage = append(lineage, m["epoch"])
	}
	last = max(last, mustInt(m["recover_after"])) // a recovery under way keeps its progress
	if err := setMeta(ctx, tx, "epoch", epoch, "lineage", strings.Join(lineage, " "),
		"recover_after", strconv.FormatInt(last, 10), "recovered_through", strconv.FormatInt(last, 10),
		"client_seen", "0", "lost", "0"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("start recovery: %w", err)
	}
	db.epoch = epoch
	db.recovering.Store(true)
	return nil
}

func mustInt(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// FinishRecovery ends a recovery once the hall holds every event up to through, the centre's
// high-water mark (or less, when the centre itself is behind the hall's backup): the push cursor
// moves there, the centre changes whose echo is among the
// recovered events (echoed) are recorded as handled so that they are not applied twice, the
// site's epochs join the lineage, and today's counters skip the numbers lost events may have
// issued, plus NumberMargin.
func (h *Hall) FinishRecovery(ctx context.Context, through int64, epochs []string, echoed []int64) error {
	db := h.db
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish recovery: %w", err)
	}
	defer tx.Rollback()
	m, err := db.meta(ctx, tx)
	if err != nil {
		return err
	}
	if _, ok := m["recover_after"]; !ok {
		return nil // finished before
	}
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&last); err != nil {
		return fmt.Errorf("finish recovery: %w", err)
	}
	if last < through {
		return fmt.Errorf("finish recovery: the hall holds events up to %d, the centre up to %d", last, through)
	}
	now := h.clock()
	if _, err := tx.ExecContext(ctx, "UPDATE sync_cursor SET pushed = ?, last_error = '', last_error_at = NULL WHERE id = 1", through); err != nil {
		return fmt.Errorf("finish recovery: push cursor: %w", err)
	}
	for _, seq := range echoed {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_inbound (seq, code, kind, outcome, handled_at)
			VALUES (?, '', '', 'recovered', ?) ON CONFLICT (seq) DO NOTHING`, seq, now.UnixMicro()); err != nil {
			return fmt.Errorf("finish recovery: centre changes: %w", err)
		}
	}
	lineage := strings.Fields(m["lineage"])
	for _, e := range epochs {
		if e != m["epoch"] && !slices.Contains(lineage, e) {
			lineage = append(lineage, e)
		}
	}
	// Clients report what they saw once the hub serves again (NoteClientSeen); the margin covers
	// numbers issued before the first of them reconnects.
	if err := h.skipNumbers(ctx, tx, now, NumberMargin); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM hall_meta WHERE key = 'recover_after'"); err != nil {
		return fmt.Errorf("finish recovery: %w", err)
	}
	if err := setMeta(ctx, tx, "lineage", strings.Join(lineage, " "), "recovered_through", strconv.FormatInt(last, 10)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("finish recovery: %w", err)
	}
	db.recovering.Store(false)
	return nil
}

// skipNumbers moves today's counter of every service on by n.
func (h *Hall) skipNumbers(ctx context.Context, tx *sql.Tx, now time.Time, n int64) error {
	day := app.BusinessDay(now, h.rules.Location, h.rules.ResetAt)
	for _, s := range h.services {
		if _, err := tx.ExecContext(ctx, `INSERT INTO counters (day, service, last) VALUES (?, ?, ?)
			ON CONFLICT (day, service) DO UPDATE SET last = last + excluded.last`, day, s.Code, n); err != nil {
			return fmt.Errorf("skip ticket numbers: %w", err)
		}
	}
	return nil
}

// NoteClientSeen records that a client of the hub last saw event id of an earlier epoch (its
// Last-Event-ID). An id of this log's lineage beyond what was recovered is an event that never
// reached the centre and is gone: it is counted as lost, and today's counters skip one number per
// such event, so that a number the client showed is not issued again.
func (h *Hall) NoteClientSeen(ctx context.Context, epoch string, id int64) error {
	r, err := h.db.Recovery(ctx)
	if err != nil || r.Pending || !slices.Contains(r.Lineage, epoch) || id <= r.ClientSeen || r.RecoveredThrough == 0 {
		return err
	}
	tx, err := h.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("note client: %w", err)
	}
	defer tx.Rollback()
	m, err := h.db.meta(ctx, tx)
	if err != nil {
		return err
	}
	seen, oldLost := mustInt(m["client_seen"]), mustInt(m["lost"])
	if id <= seen {
		return nil
	}
	lost := max(oldLost, id-mustInt(m["recovered_through"]))
	if lost > oldLost {
		if err := h.skipNumbers(ctx, tx, h.clock(), lost-oldLost); err != nil {
			return err
		}
	}
	if err := setMeta(ctx, tx, "client_seen", strconv.FormatInt(id, 10), "lost", strconv.FormatInt(lost, 10)); err != nil {
		return err
	}
	return tx.Commit()
}
