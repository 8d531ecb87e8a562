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
	"fengqiao/center/citysim"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// TestRegionCountsFollowEveryChange pushes random events of five halls in three towns of two
// counties of a city (one hall in no town, one moved to another town half way), with centre
// changes, sources and grids between pushes, and checks on PostgreSQL that the ledger of each
// region from its sums by region (ledger_regions, folded from ledger_log now and then, with what
// the log holds added) is the ledger of its
// rows but for the figures by hall, grid and escalation, and that the figures of the regions
// below are their halls'; before and after a rebuild. SQLite keeps no sums by region.
func TestRegionCountsFollowEveryChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		pg := strings.HasSuffix(t.Name(), "postgres")
		if _, _, ok, err := s.RegionCounts(ctx, 0, nil); ok != pg || err != nil {
			t.Fatalf("sums by region kept: %v (%v); want on PostgreSQL only", ok, err)
		}
		if !pg {
			return
		}
		region := func(name string, level center.Level, parent int64) int64 {
			return try(s.AddRegion(ctx, name, level, parent)).must(t).ID
		}
		city := region("测试市", center.LevelCity, 0)
		east, west := region("东县", center.LevelCounty, city), region("西县", center.LevelCounty, city)
		towns := []int64{region("甲镇", center.LevelTown, east), region("乙镇", center.LevelTown, east), region("丙镇", center.LevelTown, west)}
		var sites []center.Site
		var halls []*citysim.Hall
		for i, town := range []int64{towns[0], towns[0], towns[1], towns[2], 0} {
			sites = append(sites, addSite(t, s, fmt.Sprintf("hall-%d", i)))
			halls = append(halls, citysim.NewHall(uint64(10+i), 0))
			if err := s.PlaceSite(ctx, sites[i].ID, town); err != nil {
				t.Fatal(err)
			}
		}
		rng, placer := rand.New(rand.NewPCG(5, 8)), rand.New(rand.NewPCG(6, 1))
		grids := addGrids(t, s, sites)
		at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
		most := 0
		for round := range 120 {
			i := rng.IntN(len(halls))
			if _, err := s.ApplyBatch(ctx, sites[i].ID, wire.PushRequest{Events: halls[i].Events(1+rng.IntN(40), at)}); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			switch {
			case round%5 == 4:
				centreWork(t, s, rng)
			case round%3 == 2:
				placeCases(t, s, placer, grids)
			case round == 60:
				if err := s.PlaceSite(ctx, sites[1].ID, towns[2]); err != nil { // to the other county
					t.Fatal(err)
				}
			}
			if round%7 == 3 { // folded now and then: the sums then read have some in the log, some folded
				if err := s.FoldLedgerLog(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if round%20 == 10 {
				// Months on, when every open case with a time limit is past it.
				checkRegions(t, s, fmt.Sprintf("round %d", round), []int64{0, city, east, towns[0]}, at.AddDate(0, 3, 0), &most)
			}
			at = at.Add(time.Duration(rng.IntN(72)) * time.Hour)
		}
		checkRegions(t, s, "kept", []int64{0, city, east, west, towns[0], towns[2]}, at.Add(24*time.Hour), &most)
		if _, err := s.RebuildLedger(ctx, 8*3600); err != nil {
			t.Fatal(err)
		}
		checkRegions(t, s, "rebuilt", []int64{0, city, west}, at.Add(24*time.Hour), &most)
		if most <= 2 {
			t.Errorf("at most %d disputes overdue in a region: the page of two was never short of them", most)
		}
	})
}

// checkRegions checks the sums by region of each region, of every source and of one, and the
// overdue page of two; it keeps in mostOverdue the most overdue disputes of a region it saw.
func checkRegions(t *testing.T, s *sqlstore.Store, when string, regions []int64, now time.Time, mostOverdue *int) {
	t.Helper()
	ctx := context.Background()
	sites := try(s.Sites(ctx)).must(t)
	tree := center.NewTree(try(s.Regions(ctx)).must(t))
	names := map[int64]string{}
	for _, st := range sites {
		names[st.ID] = st.Name
	}
	cat := center.Catalogue{Services: app.DefaultServices(), Sites: names, Location: app.DefaultRules().Location}
	for _, region := range regions {
		scope := center.Scope{Region: region, Sites: tree.SitesUnder(sites, region)}
		if region == 0 {
			scope = center.Scope{}
		}
		for _, sources := range [][]app.CaseSource{nil, {app.SourceGrid}} {
			what := fmt.Sprintf("%s, region %d, sources %q", when, region, sources)
			own, below, ok, err := s.RegionCounts(ctx, region, sources)
			if err != nil || !ok {
				t.Fatalf("%s: %v %v", what, ok, err)
			}
			open := try(s.OpenCases(ctx, scope, sources)).must(t)
			scoped := scopedCatalogue(cat, scope)
			want := rowLedger(t, s, scope, sources, cat, now)
			got := overdueCodes(center.BuildRegionLedger(own, open, nil, scoped, now))
			if want.Total.Registered == 0 && sources == nil {
				t.Errorf("%s: nothing counted", what)
			}
			rates := center.RegionRates(below, scoped)
			children := tree.Children(region)
			for _, c := range children {
				var w center.Rate
				for _, r := range want.BySite {
					if id := r.Key; scopeOf(tree, sites, c.ID).Allows(atoi(t, id)) {
						w.Registered, w.Resolved = w.Registered+r.Registered, w.Resolved+r.Resolved
					}
				}
				if rates[c.ID] != w {
					t.Errorf("%s: region %s below has %+v; want %+v", what, c.Name, rates[c.ID], w)
				}
			}
			kinds, _ := scoped.DisputeKinds()
			svcs, _ := scoped.Deadlines()
			page, ok, err := s.OverdueCases(ctx, scope, sources, svcs, kinds, now, 2)
			if err != nil || !ok {
				t.Fatalf("%s: overdue page: %v %v", what, ok, err)
			}
			paged := overdueCodes(center.BuildRegionLedger(own, nil, &page, scoped, now))
			want = overdueCodes(want)
			wantPaged := want
			wantPaged.Overdue = want.Overdue[:min(2, len(want.Overdue))]
			*mostOverdue = max(*mostOverdue, want.OverdueCount)
			for _, l := range []*center.Ledger{&got, &want, &paged, &wantPaged} {
				l.BySite, l.ByGrid, l.Escalated, l.EscalatedByOrigin, l.EscalatedByOwner = nil, nil, center.Rate{}, nil, nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the ledger by region differs:\n got %+v\nwant %+v", what, got, want)
			}
			if !reflect.DeepEqual(paged, wantPaged) {
				t.Errorf("%s: the ledger by region with the overdue page differs:\n got %+v\nwant %+v", what, paged, wantPaged)
			}
		}
	}
}

func scopeOf(tree center.Tree, sites []center.Site, region int64) center.Scope {
	return center.Scope{Region: region, Sites: tree.SitesUnder(sites, region)}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
