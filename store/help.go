package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"fengqiao/app"
)

// RequestHelp implements app.Hall.
func (h *Hall) RequestHelp(ctx context.Context, source string) (app.HelpAlert, error) {
	source = strings.TrimSpace(source)
	if source == "" || len([]rune(source)) > 40 {
		return app.HelpAlert{}, app.Errorf(app.EINVALID, "a help alert needs a source of at most 40 characters")
	}
	return write(h, ctx, "help", func(t *txn) (app.HelpAlert, error) {
		r, err := t.exec("INSERT INTO help_alerts (source, raised_at) VALUES (?, ?)", source, t.now.UnixMicro())
		if err != nil {
			return app.HelpAlert{}, storeErr("raise help alert", err)
		}
		id, _ := r.LastInsertId()
		a := app.HelpAlert{ID: id, Source: source, RaisedAt: t.now.UTC()}
		t.log(app.Event{Kind: app.EventHelp, Help: &a}, 0, nil)
		return a, nil
	})
}

// TakeHelp implements app.Hall.
func (h *Hall) TakeHelp(ctx context.Context, id int64, by string) (app.HelpAlert, error) {
	return write(h, ctx, "takehelp", func(t *txn) (app.HelpAlert, error) {
		var a app.HelpAlert
		var raised int64
		var taken sql.NullInt64
		err := t.queryRow("SELECT id, source, raised_at, taken_by, taken_at FROM help_alerts WHERE id = ?", id).
			Scan(&a.ID, &a.Source, &raised, &a.TakenBy, &taken)
		if errors.Is(err, sql.ErrNoRows) {
			return a, app.Errorf(app.ENOTFOUND, "no help alert %d", id)
		}
		if err != nil {
			return a, storeErr("read help alert", err)
		}
		a.RaisedAt = time.UnixMicro(raised).UTC()
		if taken.Valid {
			return a, app.Errorf(app.ECONFLICT, "the alert was already taken by %s", a.TakenBy)
		}
		if _, err := t.exec("UPDATE help_alerts SET taken_by = ?, taken_at = ? WHERE id = ?", by, t.now.UnixMicro(), id); err != nil {
			return a, storeErr("take help alert", err)
		}
		now := t.now.UTC()
		a.TakenBy, a.TakenAt = by, &now
		t.log(app.Event{Kind: app.EventHelpTaken, Help: &a}, 0, nil)
		return a, nil
	})
}

// OpenHelp implements app.Hall.
func (h *Hall) OpenHelp(ctx context.Context) ([]app.HelpAlert, error) {
	rows, err := h.db.read.QueryContext(ctx, "SELECT id, source, raised_at FROM help_alerts WHERE taken_at IS NULL ORDER BY id")
	if err != nil {
		return nil, storeErr("read help alerts", err)
	}
	defer rows.Close()
	out := []app.HelpAlert{}
	for rows.Next() {
		var a app.HelpAlert
		var raised int64
		if err := rows.Scan(&a.ID, &a.Source, &raised); err != nil {
			return nil, storeErr("read help alerts", err)
		}
		a.RaisedAt = time.UnixMicro(raised).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
