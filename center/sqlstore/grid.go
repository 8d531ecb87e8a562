package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

var _ center.GridStore = (*Store)(nil)

// RegisterDispute implements center.GridStore. In one transaction, under the lock of the village's
// site (the grid's site): it checks that the user belongs to the grid or leads its big grid, looks
// the key up (a repeated key returns the case stored first), mints a centre code
// (app.NewCentreCaseCode), stores the case (source grid, the first party as its visitor, masked,
// with the full identity kept apart), its parties, place and photo, and routes it
// (docs/sync.md, "Who owns a case"):
//   - a dispute graded below 重大 is owned by the village's hall: a change of kind wire.ChangeAssign
//     carries it there, and the hall works it like a walk-in case;
//   - a 重大 dispute stays with the town (owner centre: it waits in the escalation inbox) and the
//     village's hall gets a wire.ChangeNotice to show it read-only.
//
// A key is looked up first, so a resend returns its case even after the user left the grid. The
// site lock serialises registrations of one village, so a concurrent duplicate finds the first's
// key once it commits; the unique key (user, key) backs that up across villages.
func (s *Store) RegisterDispute(ctx context.Context, user center.User, d app.GridDispute, at time.Time) (app.Case, bool, error) {
	if err := d.Valid(); err != nil {
		return app.Case{}, false, err
	}
	at = at.UTC()
	// A resend returns its case even if the user has left the grid since.
	if code, err := disputeByKey(ctx, s, s.db, user.ID, d.Key); err != nil || code != "" {
		return s.registered(ctx, code, false, err)
	}
	var g gridInfo
	var catalogue string
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT g.site_id, g.name, s.name, s.catalogue, EXISTS (SELECT 1 FROM grid_members m
		WHERE m.user_id = ? AND (m.grid_id = g.id OR m.grid_id = g.parent_id)) FROM grids g JOIN sites s ON s.id = g.site_id
		WHERE g.id = ?`), user.ID, d.Grid).Scan(&g.site, &g.name, &g.siteName, &catalogue, &g.member)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && !g.member:
		return app.Case{}, false, app.Errorf(app.EFORBIDDEN, "the user is not a member of the grid")
	case err != nil:
		return app.Case{}, false, dbErr("read grid", err)
	}
	if err := villageDispute(catalogue, d); err != nil {
		return app.Case{}, false, err
	}
	var code string
	created := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockSite(ctx, tx, g.site); err != nil {
			return err
		}
		var err error
		if code, err = disputeByKey(ctx, s, tx, user.ID, d.Key); err != nil || code != "" {
			created = false
			return err
		}
		code, created = app.NewCentreCaseCode(), true
		return s.storeDispute(ctx, tx, user, d, g, code, at)
	})
	if err != nil && isUnique(err) { // a concurrent duplicate in another village committed first
		created = false
		code, err = disputeByKey(ctx, s, s.db, user.ID, d.Key)
	}
	return s.registered(ctx, code, created, err)
}

// disputeByKey returns the code of the case the user registered with the key, "" if none.
func disputeByKey(ctx context.Context, s *Store, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, user int64, key string) (string, error) {
	var code string
	err := q.QueryRowContext(ctx, s.rebind("SELECT code FROM grid_disputes WHERE user_id = ? AND idem_key = ?"), user, key).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, dbErr("find dispute key", err)
}

// registered returns RegisterDispute's answer for the case with code.
func (s *Store) registered(ctx context.Context, code string, created bool, err error) (app.Case, bool, error) {
	if err != nil {
		return app.Case{}, false, err
	}
	c, err := s.readCase(ctx, code)
	return c.Case, created, err
}

// villageDispute checks that the village's hall, by the catalogue it last sent, offers the
// dispute's service and counts its category as a dispute. A village that never sent one is not
// checked: its hall will refuse an assignment it cannot take.
func villageDispute(catalogue string, d app.GridDispute) error {
	var cat wire.Catalogue
	if catalogue == "" || json.Unmarshal([]byte(catalogue), &cat) != nil || len(cat.Services) == 0 {
		return nil
	}
	i := slices.IndexFunc(cat.Services, func(svc app.Service) bool { return svc.Code == d.Service })
	switch {
	case i < 0:
		return app.Errorf(app.EINVALID, "the village's hall offers no service %q", d.Service)
	case d.Category != "" && len(cat.Services[i].Categories) > 0 && !cat.Services[i].HasCategory(d.Category):
		return app.Errorf(app.EINVALID, "the service %q has no such category", d.Service)
	case !cat.Services[i].IsDispute(d.Category):
		return app.Errorf(app.EINVALID, "the service %q is not for disputes", d.Service)
	}
	return nil
}

// gridInfo is what RegisterDispute reads of a grid.
type gridInfo struct {
	site           int64
	name, siteName string
	member         bool
}

// storeDispute writes a new grid dispute with code and queues its routing change.
func (s *Store) storeDispute(ctx context.Context, tx *sql.Tx, user center.User, d app.GridDispute, g gridInfo,
	code string, at time.Time) error {
	first := d.Parties[0]
	masked := first.Masked()
	owner, major := app.OwnerHall, d.Risk == app.RiskMajor
	if major {
		owner = app.OwnerCentre
	}
	registered := app.CaseEntry{At: at, Kind: app.EntryStatus, Status: app.CaseRegistered, By: user.Name,
		Note: fmt.Sprintf("网格员登记（网格排查，%s，风险%s，当事人%d人）", g.name, d.Risk.Label(), len(d.Parties))}
	cs := &center.CaseState{Site: g.site, Identity: &first, Changed: true, Case: app.Case{Code: code, Service: d.Service,
		Category: d.Category, Status: app.CaseRegistered, Owner: owner, Summary: d.Summary, OpenedAt: at, UpdatedAt: at,
		Source: app.SourceGrid, Risk: d.Risk, Grid: g.name, Visitor: &masked}}
	if err := s.writeCases(ctx, tx, []*center.CaseState{cs}); err != nil {
		return err
	}
	// The grid columns are written apart from caseColumns, which the halls' pushes rewrite.
	if _, err := tx.ExecContext(ctx, s.rebind("UPDATE cases SET source = ?, risk = ?, grid_id = ?, parties = ? WHERE code = ?"),
		string(app.SourceGrid), string(d.Risk), d.Grid, len(d.Parties), code); err != nil {
		return dbErr("write grid case", err)
	}
	found := d.FoundAt
	if found.IsZero() {
		found = at
	}
	if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO grid_disputes (code, user_id, idem_key, place, found_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`), code, user.ID, d.Key, d.Place, micros(found), micros(at)); err != nil {
		return fmt.Errorf("centre store: record dispute key: %w", err) // a unique violation is told apart by the caller
	}
	parties := make([][]any, len(d.Parties))
	for i, p := range d.Parties {
		parties[i] = []any{code, i, p.Name, p.IDNumber, p.Phone}
	}
	if err := s.insertRows(ctx, tx, "INSERT INTO dispute_parties (code, n, name, id_number, phone)", "", parties); err != nil {
		return dbErr("write dispute parties", err)
	}
	if len(d.Photo) > 0 {
		if _, err := tx.ExecContext(ctx, s.rebind("INSERT INTO dispute_photos (code, photo) VALUES (?, ?)"), code, d.Photo); err != nil {
			return dbErr("write dispute photo", err)
		}
	}
	sent := cs.Case
	sent.History = []app.CaseEntry{registered}
	route := outbound{Change: wire.Change{Kind: wire.ChangeAssign, Case: &sent, By: user.Name,
		Note: "网格员登记的纠纷，交本村（社区）办理"}, Note: "交" + g.siteName + "办理"}
	if major {
		route = outbound{Change: wire.Change{Kind: wire.ChangeNotice, Case: &sent, By: user.Name,
			Note: "重大纠纷，由镇综治中心办理，本村（社区）知悉"}, Note: "重大纠纷，镇综治中心办理，已告知" + g.siteName}
	}
	e, err := s.queueChange(ctx, tx, g.site, code, at, route)
	if err != nil {
		return err
	}
	return s.writeEntries(ctx, tx, []center.Entry{{Code: code, At: at, Kind: registered.Kind, Status: registered.Status,
		Note: registered.Note, By: registered.By, Origin: app.OwnerCentre}, e})
}

// readSource fills in how the case came in, its risk grade and its grid (migration 010).
func (s *Store) readSource(ctx context.Context, c *app.Case) error {
	var source, risk string
	var grid sql.NullString
	err := s.reader(ctx).QueryRowContext(ctx, s.rebind(`SELECT c.source, c.risk, g.name FROM cases c LEFT JOIN grids g ON g.id = c.grid_id
		WHERE c.code = ?`), c.Code).Scan(&source, &risk, &grid)
	c.Source, c.Risk, c.Grid = app.CaseSource(source), app.Risk(risk), grid.String
	return dbErr("read case source", err)
}

// stripDisputes removes the personal data of the grid disputes that StripPersonalData strips: their
// parties, place and photo.
func stripDisputes(ctx context.Context, s *Store, tx *sql.Tx, closedBefore int64) error {
	const stripped = "(SELECT code FROM cases WHERE stripped_at IS NULL AND closed_at IS NOT NULL AND closed_at < ?)"
	for _, q := range []string{"DELETE FROM dispute_parties WHERE code IN " + stripped,
		"DELETE FROM dispute_photos WHERE code IN " + stripped,
		"UPDATE grid_disputes SET place = '' WHERE code IN " + stripped} {
		if _, err := tx.ExecContext(ctx, s.rebind(q), closedBefore); err != nil {
			return dbErr("strip grid disputes", err)
		}
	}
	return nil
}
