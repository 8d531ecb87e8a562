package store

import (
	"context"
	"database/sql"

	"fengqiao/app"
)

// Values of cases.routed (migration 011).
const (
	routedAssign = "assign"
	routedNotice = "notice"
)

// ReceiveAssigned stores a case of this village that the centre opened itself (a dispute a 网格员
// registered) and gave this hall to own, as delivered by the sync worker (wire.ChangeAssign): the
// case as the centre holds it, its visitor masked, its history, and a last line of kind
// app.EntryAssigned with note and by. The console works it like a walk-in case, at any window;
// its status changes and follow-ups go to the centre as the hall's own. The hall logs
// app.EventAssigned, the centre's echo.
func (h *Hall) ReceiveAssigned(ctx context.Context, c app.Case, note, by string) (app.Case, error) {
	return h.receive(ctx, c, note, by, receipt{scope: "assign", owner: app.OwnerHall, routed: routedAssign,
		entry: app.EntryAssigned, event: app.EventAssigned})
}

// ReceiveNotice stores a case of this village that the town keeps (a 重大 dispute), as delivered
// by the sync worker (wire.ChangeNotice): the centre owns it, so the console shows it read-only,
// and the centre's later work on it reaches the hall like that on a case it escalated. The hall
// logs app.EventNoticed, the centre's echo.
func (h *Hall) ReceiveNotice(ctx context.Context, c app.Case, note, by string) (app.Case, error) {
	return h.receive(ctx, c, note, by, receipt{scope: "notice", owner: app.OwnerCentre, routed: routedNotice,
		entry: app.EntryNotice, event: app.EventNoticed})
}

// replayRouting restores, from a recovered event, how a case came in and whether the centre routed
// it here.
func (t *txn) replayRouting(kind app.EventKind, c *app.Case, caseID sql.NullInt64) error {
	if c.Source != "" {
		if _, err := t.exec("UPDATE cases SET source = ?, risk = ?, grid = ? WHERE id = ?", c.Source, c.Risk, c.Grid,
			caseID); err != nil {
			return storeErr("recover case source", err)
		}
	}
	routed := map[app.EventKind]string{app.EventAssigned: routedAssign, app.EventNoticed: routedNotice}[kind]
	if routed == "" {
		return nil
	}
	_, err := t.exec("UPDATE cases SET routed = ? WHERE id = ?", routed, caseID)
	return storeErr("recover routing", err)
}
