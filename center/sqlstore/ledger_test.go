package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/citysim"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestLedgerCountsFollowEveryChange pushes many random events of three halls, with changes made
// at the centre between them, and checks that the ledger built from the counts kept in the sync
// transactions is the ledger of every row, under the default dispute definition and two others,
// and that a rebuild finds nothing to correct.
func TestLedgerCountsFollowEveryChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(23, 3))
		var sites []center.Site
		var halls []*citysim.Hall
		for i := range 3 {
			sites = append(sites, addSite(t, s, fmt.Sprintf("hall-%d", i)))
			halls = append(halls, citysim.NewHall(uint64(i), 0))
		}
		grids, placer := addGrids(t, s, sites), rand.New(rand.NewPCG(20, 1)) // its own, not to change the events
		at := time.Date(2026, 1, 20, 2, 0, 0, 0, time.UTC)
		for round := range 150 {
			i := rng.IntN(len(halls))
			events := halls[i].Events(1+rng.IntN(40), at)
			if _, err := s.ApplyBatch(ctx, sites[i].ID, wire.PushRequest{Events: events}); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if round%5 == 4 {
				centreWork(t, s, rng)
			}
			if round%3 == 2 {
				placeCases(t, s, placer, grids)
			}
			at = at.Add(time.Duration(rng.IntN(72)) * time.Hour) // over months, across their ends
		}
		now := at.Add(24 * time.Hour)
		loc := app.DefaultRules().Location
		names := map[int64]string{}
		for _, st := range sites {
			names[st.ID] = st.Name
		}
		other := app.DefaultServices()
		other[1].DisputeCategories = []string{"婚姻家庭", "劳动争议"} // legal: some categories
		other[3].Dispute = false                              // mediation: no longer
		cats := map[string]center.Catalogue{
			"default":   {Services: app.DefaultServices()},
			"redefined": {Services: other},
			"one site's own": {Services: app.DefaultServices(),
				SiteServices: map[int64][]app.Service{sites[1].ID: other}},
		}
		check := func(when string) {
			for name, cat := range cats {
				cat.Sites, cat.Location = names, loc
				for _, scope := range []center.Scope{{}, {Site: sites[1].ID}} {
					for _, sources := range [][]app.CaseSource{nil, {app.SourceWalkIn}, {app.SourceGrid}} {
						checkCounted(t, s, fmt.Sprintf("%s, %s definition, scope %v, sources %q", when, name, scope, sources),
							scope, sources, cat, now)
					}
					want := rowLedger(t, s, scope, nil, cat, now)
					if want.Total.Registered == 0 || name == "default" && len(want.Overdue) == 0 {
						t.Errorf("%s, %s definition, scope %v: nothing counted, or nothing overdue", when, name, scope)
					}
					if len(want.ByGrid) == 0 || want.BySource[1].Registered == 0 {
						t.Errorf("%s, %s definition, scope %v: no dispute counted by grid or from a grid: %+v", when, name, scope, want.BySource)
					}
				}
			}
		}
		check("kept")
		changed, err := s.RebuildLedger(ctx, 8*3600)
		if err != nil {
			t.Fatal(err)
		}
		if changed != 0 {
			t.Errorf("the rebuild corrected %d counts; want none", changed)
		}
		check("rebuilt")
	})
}

// checkCounted checks that the ledgers built from the counts and from the sums are the ledger of
// every row, and that PostgreSQL sums in SQL when every site has the same disputes, SQLite never.
func checkCounted(t *testing.T, s *sqlstore.Store, what string, scope center.Scope, sources []app.CaseSource,
	cat center.Catalogue, now time.Time) {
	t.Helper()
	want := overdueCodes(rowLedger(t, s, scope, sources, cat, now))
	counted, summed := countedLedgers(t, s, scope, sources, cat, now)
	if !reflect.DeepEqual(overdueCodes(counted), want) {
		t.Errorf("%s: the counted ledger differs:\n got %+v\nwant %+v", what, counted, want)
	}
	_, uniform := scopedCatalogue(cat, scope).DisputeKinds()
	if want := uniform && strings.HasSuffix(t.Name(), "postgres"); want != (summed != nil) {
		t.Errorf("%s: summed in SQL %v, want %v", what, summed != nil, want)
	}
	if summed != nil && !reflect.DeepEqual(overdueCodes(*summed), want) {
		t.Errorf("%s: the summed ledger differs:\n got %+v\nwant %+v", what, *summed, want)
	}
}

// addGrids gives each site a big grid with two small grids, and a small grid of its own; it
// returns the grids' ids by site.
func addGrids(t *testing.T, s *sqlstore.Store, sites []center.Site) map[int64][]int64 {
	t.Helper()
	ctx := context.Background()
	out := map[int64][]int64{}
	for _, st := range sites {
		big := try(s.AddGrid(ctx, st.ID, 0, "一网格")).must(t)
		for i, parent := range []int64{big.ID, big.ID, 0} {
			g := try(s.AddGrid(ctx, st.ID, parent, fmt.Sprintf("%d组", i+1))).must(t)
			out[st.ID] = append(out[st.ID], g.ID)
		}
	}
	return out
}

// placeCases gives about a third of the cases a random source, and a random grid of their site or
// none.
func placeCases(t *testing.T, s *sqlstore.Store, rng *rand.Rand, grids map[int64][]int64) {
	t.Helper()
	ctx := context.Background()
	type place struct {
		code string
		site int64
	}
	var cases []place
	// In the order the cases came (their first entry), not by their random codes, so that the
	// draws below fall on the same cases in every run.
	rows, err := s.DB().QueryContext(ctx, `SELECT c.code, c.site_id FROM cases c
		ORDER BY (SELECT min(e.id) FROM case_entries e WHERE e.code = c.code)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c place
		if err := rows.Scan(&c.code, &c.site); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	rows.Close()
	q := "UPDATE cases SET source = ?, grid_id = ? WHERE code = ?"
	if strings.HasSuffix(t.Name(), "postgres") {
		q = "UPDATE cases SET source = $1, grid_id = $2 WHERE code = $3"
	}
	for _, c := range cases {
		if rng.IntN(3) != 0 {
			continue
		}
		var grid any // none
		if gs := grids[c.site]; rng.IntN(4) != 0 {
			grid = gs[rng.IntN(len(gs))]
		}
		if _, err := s.DB().ExecContext(ctx, q, string(app.Sources[rng.IntN(len(app.Sources))]), grid, c.code); err != nil {
			t.Fatal(err)
		}
	}
}

// centreWork has the centre work some of the escalated cases: a stage on, and a follow-up.
func centreWork(t *testing.T, s *sqlstore.Store, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, `SELECT code, status FROM cases WHERE owner = 'centre' AND status NOT IN ('closed', 'rejected')
		ORDER BY (SELECT min(e.id) FROM case_entries e WHERE e.code = cases.code)`)
	if err != nil {
		t.Fatal(err)
	}
	type open struct{ code, status string }
	var cases []open
	for rows.Next() {
		var c open
		if err := rows.Scan(&c.code, &c.status); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	rows.Close()
	for _, c := range cases {
		next := map[string]app.CaseChange{
			"registered": {Status: app.CaseAccepted},
			"accepted":   {Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解"},
			"assigned":   {Status: app.CaseHandling, Handling: "mediation"},
			"assessing":  {Status: app.CaseHandling, Handling: "mediation"},
		}
		ch, ok := next[c.status]
		if !ok {
			ch = app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved}
		}
		ch.Note = "中心办理"
		if rng.IntN(2) == 0 {
			if _, err := s.ChangeCase(ctx, c.code, ch); err != nil && app.ErrorCode(err) != app.ECONFLICT {
				t.Fatalf("change %s from %s: %v", c.code, c.status, err)
			}
		}
		if _, err := s.AddFollowUp(ctx, c.code, "电话回访", "中心"); err != nil {
			t.Fatal(err)
		}
	}
}

func rowLedger(t *testing.T, s *sqlstore.Store, scope center.Scope, sources []app.CaseSource, cat center.Catalogue,
	now time.Time) center.Ledger {
	t.Helper()
	rows, err := s.Ledger(context.Background(), scope)
	if err != nil {
		t.Fatal(err)
	}
	return center.BuildLedger(center.FilterSources(rows, sources), scopedCatalogue(cat, scope), now)
}

// countedLedgers returns the ledger of the sources built from the counts by month, and, if the
// store sums them in SQL for the catalogue, the ledger built from the sums.
func countedLedgers(t *testing.T, s *sqlstore.Store, scope center.Scope, sources []app.CaseSource, cat center.Catalogue,
	now time.Time) (center.Ledger, *center.Ledger) {
	t.Helper()
	ctx := context.Background()
	cat = scopedCatalogue(cat, scope)
	counts := try(s.LedgerCounts(ctx, scope, sources)).must(t)
	months := try(s.LedgerMonths(ctx, scope, sources, !center.UniformDisputes(counts, cat))).must(t)
	open := try(s.OpenCases(ctx, scope, sources)).must(t)
	counted := center.BuildCountedLedger(counts, months, open, cat, now)
	kinds, ok := cat.DisputeKinds()
	if !ok {
		return counted, nil
	}
	sums, ok, err := s.LedgerSums(ctx, scope, sources, kinds)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return counted, nil
	}
	summed := center.BuildSummedLedger(sums, open, cat, now)
	return counted, &summed
}

// overdueCodes keeps of the overdue cases what the dashboard shows of them.
func overdueCodes(l center.Ledger) center.Ledger {
	for i, o := range l.Overdue {
		l.Overdue[i] = center.Overdue{LedgerRow: center.LedgerRow{Code: o.Code, Category: o.Category, Status: o.Status,
			MaskedName: o.MaskedName}, SiteName: o.SiteName, ServiceName: o.ServiceName, Deadline: o.Deadline, Days: o.Days}
	}
	return l
}

func scopedCatalogue(cat center.Catalogue, scope center.Scope) center.Catalogue {
	sites := map[int64]string{}
	for id, n := range cat.Sites {
		if scope.Allows(id) {
			sites[id] = n
		}
	}
	cat.Sites = sites
	return cat
}

// TestLedgerSourceMigrationRefills runs centre migration 014 again over cases with a source and a
// grid, as on a database in the field, and checks that it refilled the counts by both.
func TestLedgerSourceMigrationRefills(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.DSN(t)
			s := try(sqlstore.Open(ctx, dsn)).must(t)
			h := busyHall(t)
			site := addSite(t, s, "东村")
			code := caseCodes(t, h)[1]
			push(t, s, site, h)
			grid := addGrids(t, s, []center.Site{site})[site.ID][0]
			q := "UPDATE cases SET source = 'grid', grid_id = ? WHERE code = ?"
			if b.Name == "postgres" {
				q = "UPDATE cases SET source = 'grid', grid_id = $1 WHERE code = $2"
			}
			for _, step := range []struct {
				q    string
				args []any
			}{{q, []any{grid, code}}, {"DELETE FROM schema_migrations WHERE version = 14", nil}} {
				if _, err := s.DB().ExecContext(ctx, step.q, step.args...); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			s = try(sqlstore.Open(ctx, dsn)).must(t)
			defer s.Close()
			var got []center.LedgerCount
			for _, c := range try(s.LedgerCounts(ctx, center.Scope{}, []app.CaseSource{app.SourceGrid})).must(t) {
				got = append(got, center.LedgerCount{Source: c.Source, Grid: c.Grid, N: c.N})
			}
			if want := []center.LedgerCount{{Source: app.SourceGrid, Grid: "一网格 · 1组", N: 1}}; !reflect.DeepEqual(got, want) {
				t.Errorf("counts from a grid after the migration: %+v, want %+v", got, want)
			}
			if changed := try(s.RebuildLedger(ctx, 8*3600)).must(t); changed != 0 {
				t.Errorf("the rebuild after the migration corrected %d counts; want none", changed)
			}
		})
	}
}
