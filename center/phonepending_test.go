package center_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// phoneStoreOf returns the store as a center.PhoneStore.
//
// TEMPORARY, until branch gridcases (center/sqlstore's RegisterDispute) is merged: a stand-in that
// stores a grid dispute as a bare case row, once per key. It is deleted at the merge.
func phoneStoreOf(t *testing.T, st *sqlstore.Store) phoneWebStore {
	if ps, ok := any(st).(phoneWebStore); ok {
		return ps
	}
	return &pendingGridStore{Store: st, keys: map[string]app.Case{}}
}

// phoneWebStore is a centre store that serves the phone app.
type phoneWebStore interface {
	center.WebStore
	center.PhoneStore
}

type pendingGridStore struct {
	*sqlstore.Store
	mu   sync.Mutex
	keys map[string]app.Case
}

func (p *pendingGridStore) RegisterDispute(ctx context.Context, u center.User, d app.GridDispute, at time.Time) (app.Case, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.keys[d.Key]; ok {
		return c, false, nil
	}
	grids, err := p.WorkerGrids(ctx, u.ID)
	if err != nil {
		return app.Case{}, false, err
	}
	var site int64
	for _, g := range grids {
		if g.ID == d.Grid {
			site = g.Site
		}
	}
	if site == 0 {
		return app.Case{}, false, app.Errorf(app.EFORBIDDEN, "not the user's grid")
	}
	c := app.Case{Code: app.NewCaseCode(), Service: d.Service, Category: d.Category, Status: app.CaseRegistered,
		Owner: app.OwnerHall, Source: app.SourceGrid, Risk: d.Risk, OpenedAt: at}
	_, err = p.DB().ExecContext(ctx, `INSERT INTO cases (code, site_id, service, category, status, owner, opened_at, updated_at,
		masked_name, source, risk, grid_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'grid', ?, ?)`, c.Code, site, c.Service, c.Category,
		string(c.Status), string(c.Owner), at.UnixMicro(), at.UnixMicro(), app.MaskName(d.Parties[0].Name), string(d.Risk), d.Grid)
	if err != nil {
		return app.Case{}, false, err
	}
	p.keys[d.Key] = c
	return c, true, nil
}
