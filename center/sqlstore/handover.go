package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

// Handover hands an accepted escalation the centre works to the named site (镇级受理: a village's
// case escalated to the town, worked at the town hall's windows). The case stays a town-level case
// (owner centre) and the site becomes its worker (cases.worker_site_id); the history gets one line
// of kind app.EntryHandover, and two changes are queued: wire.ChangeHandover with the case and its
// history, visitor masked, for the worker, and a follow-up note for the case's own site. From then
// on the centre accepts the worker's events on the case and relays them to the case's own site
// (center.Projection). Both the case page's 交办 and POST /api/v1/cases/{code}/handover call it.
// See docs/sync.md, "Who owns a case".
func (s *Store) Handover(ctx context.Context, code, siteName, by string) (center.Case, error) {
	if by == "" {
		by = string(app.OwnerCentre)
	}
	return s.caseWork(ctx, code, func(tx *sql.Tx, cs *center.CaseState, now time.Time) ([]outbound, error) {
		if err := centreOwned(cs); err != nil {
			return nil, err
		}
		if cs.Case.Status.Final() {
			return nil, app.Errorf(app.ECONFLICT, "a final case is not handed over")
		}
		var worker int64
		var accepted sql.NullInt64
		var originName string
		err := tx.QueryRowContext(ctx, s.rebind(`SELECT w.id, c.escalation_accepted_at, o.name FROM cases c
			JOIN sites o ON o.id = c.site_id JOIN sites w ON w.name = ? WHERE c.code = ?`), siteName, cs.Case.Code).
			Scan(&worker, &accepted, &originName)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil, app.Errorf(app.EINVALID, "no site named %q", siteName)
		case err != nil:
			return nil, dbErr("hand over", err)
		case worker == cs.Site:
			return nil, app.Errorf(app.EINVALID, "a case is handed to another site than its own")
		case !accepted.Valid:
			return nil, app.Errorf(app.ECONFLICT, "only an accepted escalation is handed over")
		}
		sent := cs.Case
		if sent.History, err = s.history(ctx, tx, cs.Case.Code); err != nil {
			return nil, err
		}
		sent.UpdatedAt = now
		cs.WorkerSite, cs.Case.UpdatedAt, cs.Changed = worker, now, true
		return []outbound{
			{Change: wire.Change{Kind: wire.ChangeHandover, Case: &sent, Note: "由镇综治中心移交本厅办理（来自" + originName + "）",
				By: by}, Site: worker, Note: "移交" + siteName + "办理"},
			{Change: wire.Change{Kind: wire.ChangeFollowUp, Note: "已移交" + siteName + "办理", By: by}, Quiet: true},
		}, nil
	})
}

// writeRelays queues the changes a push relays to other sites (center.Relay), under the lock of
// each such site, taken after the pushing site's.
func (s *Store) writeRelays(ctx context.Context, tx *sql.Tx, relays []center.Relay) error {
	var locked []int64
	now := s.now().UTC()
	for _, r := range relays {
		if !slices.Contains(locked, r.Site) {
			if _, err := s.lockSite(ctx, tx, r.Site); err != nil {
				return err
			}
			locked = append(locked, r.Site)
		}
		if _, err := s.queueChange(ctx, tx, r.Site, r.Change.Code, now, outbound{Change: r.Change}); err != nil {
			return err
		}
	}
	return nil
}

// history reads a case's history inside tx.
func (s *Store) history(ctx context.Context, tx *sql.Tx, code string) ([]app.CaseEntry, error) {
	rows, err := tx.QueryContext(ctx, s.rebind("SELECT at, kind, status, note, by_name FROM case_entries WHERE code = ? ORDER BY id"), code)
	if err != nil {
		return nil, dbErr("read case history", err)
	}
	defer rows.Close()
	var out []app.CaseEntry
	for rows.Next() {
		var e app.CaseEntry
		var at int64
		var status string
		if err := rows.Scan(&at, &e.Kind, &status, &e.Note, &e.By); err != nil {
			return nil, dbErr("read case history", err)
		}
		e.At, e.Status = time.UnixMicro(at).UTC(), app.CaseStatus(status)
		out = append(out, e)
	}
	return out, dbErr("read case history", rows.Err())
}

// workerName returns the name of the site a case was handed to, "" if none.
func (s *Store) workerName(ctx context.Context, code string) (string, error) {
	var name sql.NullString
	err := s.reader(ctx).QueryRowContext(ctx, s.rebind("SELECT s.name FROM cases c LEFT JOIN sites s ON s.id = c.worker_site_id WHERE c.code = ?"),
		code).Scan(&name)
	return name.String, dbErr("read case handler", err)
}
