package center

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
)

// rollupFixture is a city of two counties: 诸暨市 with 枫桥镇 (halls 1, 2) and 店口镇 (hall 3),
// 柯桥区 with 柯岩街道 (hall 4); hall 5 is in no town. Hall n registered 10n cases and resolved
// 5n, has n-1 overdue, and halls 2 and 4 are out of contact.
func rollupFixture() (Tree, []Site, Ledger, []Freshness) {
	tree := NewTree([]Region{{1, "绍兴市", LevelCity, 0}, {2, "诸暨市", LevelCounty, 1}, {3, "柯桥区", LevelCounty, 1},
		{4, "枫桥镇", LevelTown, 2}, {5, "店口镇", LevelTown, 2}, {6, "柯岩街道", LevelTown, 3}})
	towns := []int64{0, 4, 4, 5, 6, 0}
	var sites []Site
	var l Ledger
	var fresh []Freshness
	for id := int64(1); id <= 5; id++ {
		s := Site{ID: id, Name: fmt.Sprintf("村%d", id), Town: towns[id]}
		sites = append(sites, s)
		l.BySite = append(l.BySite, Rate{Key: fmt.Sprint(id), Label: s.Name, Registered: 10 * int(id), Resolved: 5 * int(id)})
		for range id - 1 {
			l.Overdue = append(l.Overdue, Overdue{LedgerRow: LedgerRow{Site: id}})
		}
		fresh = append(fresh, Freshness{Site: s, Lost: id == 2 || id == 4})
	}
	return tree, sites, l, fresh
}

func TestRollup(t *testing.T) {
	tree, sites, l, fresh := rollupFixture()
	type row struct {
		label                          string
		halls, reg, res, overdue, lost int
		link                           string
	}
	for _, tt := range []struct {
		name  string
		user  User
		query string
		below string
		rows  []row
	}{
		{"the whole centre", User{}, "", "市", []row{{"绍兴市", 4, 100, 50, 6, 2, "/dashboard?region=1"}, {"未划入镇的站点", 1, 50, 25, 4, 0, ""}}},
		{"a city", User{}, "region=1", "县", []row{{"柯桥区", 1, 40, 20, 3, 1, "/dashboard?region=3"}, {"诸暨市", 3, 60, 30, 3, 1, "/dashboard?region=2"}}},
		{"a county user", User{Region: 2, RegionLevel: LevelCounty, RegionSites: []int64{1, 2, 3}}, "", "镇",
			[]row{{"店口镇", 1, 30, 15, 2, 0, "/dashboard?region=5"}, {"枫桥镇", 2, 30, 15, 1, 1, "/dashboard?region=4"}}},
		{"a town from the county", User{Region: 2, RegionLevel: LevelCounty, RegionSites: []int64{1, 2, 3}}, "region=4", "站点",
			[]row{{"村1", 1, 10, 5, 0, 0, "/dashboard?site=1"}, {"村2", 1, 20, 10, 1, 1, "/dashboard?site=2"}}},
		{"one hall", User{}, "site=3", "", nil},
		{"a hall user", User{Site: 3}, "", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := viewOf(httptest.NewRequest("GET", "/dashboard?"+tt.query, nil), tt.user, tree, sites)
			if err != nil {
				t.Fatal(err)
			}
			in := slices.DeleteFunc(slices.Clone(fresh), func(f Freshness) bool { return !v.Scope.Allows(f.ID) })
			var got []row
			for _, r := range rollup(&v, tree, l, in, nil) {
				got = append(got, row{r.Label, r.Halls, r.Registered, r.Resolved, r.Overdue, r.Lost, r.Link})
			}
			if !slices.Equal(got, tt.rows) || v.Below != tt.below {
				t.Errorf("by %q: %v\nwant by %q: %v", v.Below, got, tt.below, tt.rows)
			}
		})
	}
}

func TestViewOfRefusesOutsideTheScope(t *testing.T) {
	tree, sites, _, _ := rollupFixture()
	county := User{Region: 2, RegionName: "诸暨市", RegionLevel: LevelCounty, RegionSites: []int64{1, 2, 3}}
	for _, tt := range []struct {
		name   string
		user   User
		query  string
		ok     bool
		crumbs []Crumb
	}{
		{"the county's town", county, "region=4", true, []Crumb{{"县 诸暨市", "/dashboard"}, {"镇 枫桥镇", ""}}},
		{"a hall of the county", county, "site=3", true,
			[]Crumb{{"县 诸暨市", "/dashboard"}, {"镇 店口镇", "/dashboard?region=5"}, {"站点 村3", ""}}},
		{"a hall of the town", county, "region=4&site=2", true,
			[]Crumb{{"县 诸暨市", "/dashboard"}, {"镇 枫桥镇", "/dashboard?region=4"}, {"站点 村2", ""}}},
		{"another county", county, "region=3", false, nil},
		{"its city", county, "region=1", false, nil},
		{"a hall of another county", county, "site=4", false, nil},
		{"a hall outside the town", county, "region=4&site=3", false, nil},
		{"a hall in no town", county, "site=5", false, nil},
		{"no such region", User{}, "region=99", false, nil},
		{"not a number", User{}, "region=x", false, nil},
		{"a region for a hall user", User{Site: 1}, "region=4", false, nil},
		{"another hall for a hall user", User{Site: 1}, "site=2", false, nil},
		{"the centre down to a hall", User{}, "site=1", true,
			[]Crumb{{"全部站点", "/dashboard"}, {"市 绍兴市", "/dashboard?region=1"}, {"县 诸暨市", "/dashboard?region=2"},
				{"镇 枫桥镇", "/dashboard?region=4"}, {"站点 村1", ""}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := viewOf(httptest.NewRequest("GET", "/dashboard?"+tt.query, nil), tt.user, tree, sites)
			if (err == nil) != tt.ok || tt.ok && !slices.Equal(v.Crumbs, tt.crumbs) {
				t.Errorf("err %v, crumbs %v; want ok %v, %v", err, v.Crumbs, tt.ok, tt.crumbs)
			}
		})
	}
}
