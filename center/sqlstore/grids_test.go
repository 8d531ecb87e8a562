package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/store"
	"fengqiao/wire"
)

// openCase opens a case at the hall for the visitor and returns its code.
func openCase(t *testing.T, h *store.Hall, v app.Visitor) string {
	t.Helper()
	tk := try(h.Issue(context.Background(), app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: &v})).must(t)
	return tk.CaseCode
}

// pushWith pushes the hall's events after the site's mark, the case.opened bodies first changed
// by edit.
func pushWith(t *testing.T, s *sqlstore.Store, site center.Site, h *store.Hall, edit func(*app.Case)) wire.PushReply {
	t.Helper()
	ctx := context.Background()
	cur := try(s.Site(ctx, site.ID)).must(t)
	evs := centertest.Outbox(t, h.DB(), cur.AppliedThrough)
	for i, e := range evs {
		if e.Kind != app.EventCaseOpened || edit == nil {
			continue
		}
		var ev app.Event
		if err := json.Unmarshal(e.Body, &ev); err != nil {
			t.Fatal(err)
		}
		edit(ev.Case)
		evs[i].Body, _ = json.Marshal(ev)
	}
	return try(s.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: evs})).must(t)
}

// ledgerRow returns the ledger's row of the case.
func ledgerRow(t *testing.T, s *sqlstore.Store, code string) center.LedgerRow {
	t.Helper()
	for _, r := range try(s.Ledger(context.Background(), center.Scope{})).must(t) {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("case %s is not in the ledger", code)
	return center.LedgerRow{}
}

// TestCaseOriginFromSync: the centre keeps the source, risk and grid a hall's case body gives
// (a walk-in when it gives none), resolves the grid by name in the case's village, keeps them
// through later snapshots, and refuses a source it does not know.
func TestCaseOriginFromSync(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := addSite(t, s, "枫源村"), addSite(t, s, "栎桥村")
		big := try(s.AddGrid(ctx, a.ID, 0, "第一网格")).must(t)
		try(s.AddGrid(ctx, a.ID, big.ID, "一组")).must(t)
		bBig := try(s.AddGrid(ctx, b.ID, 0, "第二网格")).must(t)
		try(s.AddGrid(ctx, b.ID, bBig.ID, "二组")).must(t)

		h := centertest.NewHall(t)
		hotline := openCase(t, h, app.Visitor{IDNumber: centertest.IDNumber(1), Name: "张三"})
		pushWith(t, s, a, h, func(c *app.Case) { c.Source, c.Risk, c.Grid = app.SourceHotline, app.RiskHigher, "一组" })
		walkIn := openCase(t, h, app.Visitor{IDNumber: centertest.IDNumber(2), Name: "李四"})
		pushWith(t, s, a, h, nil)
		foreign := openCase(t, h, app.Visitor{IDNumber: centertest.IDNumber(3), Name: "王五"})
		pushWith(t, s, a, h, func(c *app.Case) { c.Source, c.Grid = app.SourceAssigned, "二组" }) // 栎桥村's grid
		openCase(t, h, app.Visitor{IDNumber: centertest.IDNumber(4), Name: "赵六"})
		pushWith(t, s, a, h, func(c *app.Case) { c.Source = "rumour" })
		// A later snapshot without the source (as a hall that does not send it) keeps it.
		try(h.ChangeCase(ctx, hotline, app.CaseChange{Status: app.CaseAccepted})).must(t)
		pushWith(t, s, a, h, nil)

		for _, tt := range []struct {
			code   string
			source app.CaseSource
			risk   app.Risk
			grid   string
		}{
			{hotline, app.SourceHotline, app.RiskHigher, "第一网格 · 一组"},
			{walkIn, app.SourceWalkIn, app.RiskNone, ""},
			{foreign, app.SourceAssigned, app.RiskNone, ""},
		} {
			r := ledgerRow(t, s, tt.code)
			if r.Source != tt.source || r.Risk != tt.risk || r.Grid != tt.grid || r.Parties != 1 {
				t.Errorf("case %s: source %q risk %q grid %q parties %d; want %q %q %q 1", tt.code, r.Source, r.Risk, r.Grid,
					r.Parties, tt.source, tt.risk, tt.grid)
			}
		}
		if r := ledgerRow(t, s, hotline); r.Status != app.CaseAccepted {
			t.Errorf("the later snapshot was not applied: %s", r.Status)
		}
		if c := try(s.Case(ctx, hotline)).must(t); c.Source != app.SourceHotline || c.Risk != app.RiskHigher || c.Grid != "一组" {
			t.Errorf("Case: source %q risk %q grid %q", c.Source, c.Risk, c.Grid)
		}
		n, refused := mustTwo(s.RefusedEvents(ctx, 10))
		if n != 1 || refused[0].Kind != app.EventCaseOpened {
			t.Errorf("refused %d %+v; want the case of an unknown source", n, refused)
		}
		var sources []string
		err := s.EachLedgerRow(ctx, center.LedgerFilter{Sources: []app.CaseSource{app.SourceHotline, app.SourceAssigned}},
			func(r center.LedgerRow) error { sources = append(sources, string(r.Source)); return nil })
		if err != nil || len(sources) != 2 {
			t.Errorf("filtered by two sources: %v, %v", sources, err)
		}
	})
}

func mustTwo[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// TestRepeatVisitorsAcrossSites: the same ID number at two villages is matched by its keyed hash
// after retention has cleared every number, the cases synced before the key were backfilled,
// and a visitor seen once is not listed. A scoped user sees the repeats within their site only.
func TestRepeatVisitorsAcrossSites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := addSite(t, s, "枫源村"), addSite(t, s, "栎桥村")
		same, other := centertest.IDNumber(42), centertest.IDNumber(43)
		ha, hb := centertest.NewHall(t), centertest.NewHall(t)
		var codes []string
		for _, c := range []struct {
			h *store.Hall
			v app.Visitor
		}{{ha, app.Visitor{IDNumber: same, Name: "欧阳丽华"}}, {hb, app.Visitor{IDNumber: same, Name: "欧阳丽华"}},
			{hb, app.Visitor{IDNumber: other, Name: "司马建国"}}} {
			code := openCase(t, c.h, c.v)
			try(c.h.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseAccepted})).must(t)
			try(c.h.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved})).must(t)
			codes = append(codes, code)
		}
		pushWith(t, s, a, ha, nil) // before the centre has its key
		key := bytes.Repeat([]byte{7}, sqlstore.MinIDKey)
		if err := s.SetIDKey(key[:10]); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("a 10-byte key: %v", err)
		}
		if err := s.SetIDKey(key); err != nil {
			t.Fatal(err)
		}
		pushWith(t, s, b, hb, nil)
		if n, err := s.BackfillIDHashes(ctx); n != 1 || err != nil {
			t.Errorf("backfill: %d, %v; want site A's case", n, err)
		}
		if n, err := s.BackfillIDHashes(ctx); n != 0 || err != nil {
			t.Errorf("second backfill: %d, %v; want nothing", n, err)
		}
		if n, err := s.StripPersonalData(ctx, time.Now().Add(time.Hour)); n != 3 || err != nil {
			t.Fatalf("retention stripped %d, %v", n, err)
		}
		var left int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM cases WHERE id_number <> '' OR id_hash = '' OR id_hash LIKE '%"+
			same[:10]+"%'").Scan(&left); err != nil || left != 0 {
			t.Errorf("%d cases hold an ID number or no hash (%v)", left, err)
		}
		got := try(s.RepeatCases(ctx, center.Scope{})).must(t)
		if len(got) != 2 || got[0].Visitor != got[1].Visitor || got[0].Site == got[1].Site ||
			got[0].Code != codes[0] && got[0].Code != codes[1] || got[1].Code != codes[0] && got[1].Code != codes[1] {
			t.Errorf("repeat cases %+v; want %s and %s of one visitor at two sites", got, codes[0], codes[1])
		}
		if got := try(s.RepeatCases(ctx, center.Scope{Site: b.ID})).must(t); len(got) != 0 {
			t.Errorf("a user of 栎桥村 sees %+v; the visitor came there once", got)
		}
	})
}

// TestMembershipsFollowAccess: a user's grid memberships that their new role or scope no longer
// allows are dropped when it changes, the others kept.
func TestMembershipsFollowAccess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := addSite(t, s, "枫源村"), addSite(t, s, "栎桥村")
		aBig := try(s.AddGrid(ctx, a.ID, 0, "第一网格")).must(t)
		aSmall := try(s.AddGrid(ctx, a.ID, aBig.ID, "一组")).must(t)
		bBig := try(s.AddGrid(ctx, b.ID, 0, "第一网格")).must(t)
		bSmall := try(s.AddGrid(ctx, b.ID, bBig.ID, "一组")).must(t)
		_, hash := center.NewToken()
		if err := s.AddUser(ctx, "wang", hash, time.Time{}); err != nil {
			t.Fatal(err)
		}
		memberOf := func() (ids []int64) {
			for _, g := range try(s.Grids(ctx, 0)).must(t) {
				for _, m := range g.Members {
					if m.Name == "wang" {
						ids = append(ids, g.ID)
					}
				}
			}
			return ids
		}
		for _, step := range []struct {
			role center.Role
			site int64
			join []int64
			want int
		}{
			{center.RoleGridWorker, 0, []int64{aSmall.ID, bSmall.ID}, 2},
			{center.RoleGridWorker, a.ID, nil, 1},                    // scoped to 枫源村: 栎桥村's grid dropped
			{center.RoleGridLeader, 0, []int64{aBig.ID, bBig.ID}, 2}, // now a 网格长: the small grid dropped
			{center.RoleStaff, 0, nil, 0},
		} {
			if err := s.SetUserAccess(ctx, "wang", step.role, step.site); err != nil {
				t.Fatal(err)
			}
			for _, g := range step.join {
				if err := s.AddGridMember(ctx, "wang", g); err != nil {
					t.Fatal(err)
				}
			}
			if got := memberOf(); len(got) != step.want {
				t.Errorf("as %s of site %d: member of %v, want %d grids", step.role, step.site, got, step.want)
			}
		}
	})
}
