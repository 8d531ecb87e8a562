package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

func TestAddRegionChecksTheHierarchy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		city := try(s.AddRegion(ctx, "绍兴市", center.LevelCity, 0)).must(t)
		county := try(s.AddRegion(ctx, "诸暨市", center.LevelCounty, city.ID)).must(t)
		other := try(s.AddRegion(ctx, "柯桥区", center.LevelCounty, city.ID)).must(t)
		try(s.AddRegion(ctx, "城关镇", center.LevelTown, county.ID)).must(t)
		for _, tt := range []struct {
			name   string
			level  center.Level
			parent int64
			code   string
		}{
			{"城关镇", center.LevelTown, other.ID, ""}, // the same name in another county
			{"城关镇", center.LevelTown, county.ID, app.ECONFLICT},
			{"枫桥镇", center.LevelTown, city.ID, app.EINVALID}, // a town belongs to a county
			{"诸暨市", center.LevelCity, county.ID, app.EINVALID},
			{"萧山区", center.LevelCounty, 0, ""}, // a county centre with no city
			{"枫桥镇", "village", county.ID, app.EINVALID},
			{"枫桥镇", center.LevelTown, 999, app.ENOTFOUND},
			{"a/b", center.LevelTown, county.ID, app.EINVALID},
			{" ", center.LevelTown, county.ID, app.EINVALID},
		} {
			_, err := s.AddRegion(ctx, tt.name, tt.level, tt.parent)
			if app.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Errorf("AddRegion(%q, %s, %d) = %v, want %q", tt.name, tt.level, tt.parent, err, tt.code)
			}
		}
		site := addSite(t, s, "枫源村")
		if err := s.PlaceSite(ctx, site.ID, county.ID); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("a hall placed in a county: %v", err)
		}
		if got := try(s.Regions(ctx)).must(t); len(got) != 6 || got[1].Parent != city.ID || got[1].Level != center.LevelCounty {
			t.Errorf("regions = %+v", got)
		}
	})
}

// TestRegionScope: each query that filters by scope returns the cases of the halls under the
// region, a case handed to one of them included; a user's region resolves to its halls; moving
// a hall to another town moves its cases with it.
func TestRegionScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		city := try(s.AddRegion(ctx, "绍兴市", center.LevelCity, 0)).must(t)
		zhuji := try(s.AddRegion(ctx, "诸暨市", center.LevelCounty, city.ID)).must(t)
		keqiao := try(s.AddRegion(ctx, "柯桥区", center.LevelCounty, city.ID)).must(t)
		fengqiao := try(s.AddRegion(ctx, "枫桥镇", center.LevelTown, zhuji.ID)).must(t)
		diankou := try(s.AddRegion(ctx, "店口镇", center.LevelTown, zhuji.ID)).must(t)
		kq := try(s.AddRegion(ctx, "柯岩街道", center.LevelTown, keqiao.ID)).must(t)
		v1, v2, v3, v4 := addSite(t, s, "枫源村"), addSite(t, s, "栎桥村"), addSite(t, s, "店口村"), addSite(t, s, "柯岩村")
		loose := addSite(t, s, "未划分村")
		for site, town := range map[int64]int64{v1.ID: fengqiao.ID, v2.ID: fengqiao.ID, v3.ID: diankou.ID, v4.ID: kq.ID} {
			if err := s.PlaceSite(ctx, site, town); err != nil {
				t.Fatal(err)
			}
		}
		for _, site := range []center.Site{v1, v3, v4, loose} {
			h := busyHall(t)
			if site == v4 {
				// One of 柯岩村's cases goes up to the centre, which hands it to 店口村.
				code := caseCodes(t, h)[0]
				try(h.Escalate(ctx, code, "需上级调处", "窗口1")).must(t)
				push(t, s, site, h)
				try(s.AcceptEscalation(ctx, code, "李四")).must(t)
				try(s.Handover(ctx, code, v3.Name, "李四")).must(t)
				continue
			}
			push(t, s, site, h)
		}
		now := time.Now()
		for _, tt := range []struct {
			name           string
			scope          center.Scope
			listed, ledger int // cases in the list (handed ones included), in the ledger (own only)
			tickets        int // sites with ticket times
		}{
			{"every site", center.Scope{}, 12, 12, 4},
			{"the city", center.Scope{Region: city.ID}, 9, 9, 3},
			{"诸暨市", center.Scope{Region: zhuji.ID}, 7, 6, 2},
			{"柯桥区", center.Scope{Region: keqiao.ID}, 3, 3, 1},
			{"枫桥镇", center.Scope{Region: fengqiao.ID}, 3, 3, 1},
			{"店口镇", center.Scope{Region: diankou.ID}, 4, 3, 1},
			{"one hall", center.Scope{Site: v3.ID}, 4, 3, 1},
		} {
			t.Run(tt.name, func(t *testing.T) {
				list := try(s.ListCases(ctx, tt.scope, center.CaseFilter{}, now)).must(t)
				ledger := try(s.Ledger(ctx, tt.scope)).must(t)
				times := try(s.TicketTimes(ctx, tt.scope, now.Add(-time.Hour))).must(t)
				if len(list.Rows) != tt.listed || len(ledger) != tt.ledger || len(times) != tt.tickets {
					t.Errorf("listed %d, ledger %d, ticket sites %d; want %d, %d, %d", len(list.Rows), len(ledger), len(times),
						tt.listed, tt.ledger, tt.tickets)
				}
				esc := try(s.Escalations(ctx, tt.scope)).must(t)
				want := 0
				if tt.scope.All() || tt.scope.Region == city.ID || tt.scope.Region == keqiao.ID || tt.scope.Region == zhuji.ID ||
					tt.scope.Region == diankou.ID || tt.scope.Site == v3.ID {
					want = 1 // the handed case: seen at its origin and where it is worked
				}
				if len(esc.Groups) != want {
					t.Errorf("escalation groups %+v, want %d", esc.Groups, want)
				}
			})
		}

		// A user's region resolves to its halls, on sign-in and on a token; a site scope clears it.
		_, hash := center.NewToken()
		if err := s.AddUser(ctx, "county", hash, time.Time{}); err != nil {
			t.Fatal(err)
		}
		try(0, s.SetUserRegion(ctx, "county", zhuji.ID)).must(t)
		u := credentials(t, s, "county")
		p := try(s.Authenticate(ctx, hash, now)).must(t)
		want := []int64{v1.ID, v2.ID, v3.ID}
		if !slices.Equal(u.RegionSites, want) || !slices.Equal(p.User.RegionSites, want) || u.RegionName != "诸暨市" ||
			u.RegionLevel != center.LevelCounty || u.Scope().Allows(v4.ID) || !u.Scope().Allows(v3.ID) {
			t.Errorf("county user %+v, by token %+v; want halls %v", u, p.User, want)
		}
		try(0, s.SetUserAccess(ctx, "county", center.RoleStaff, v4.ID)).must(t)
		if u := credentials(t, s, "county"); u.Region != 0 || u.Site != v4.ID {
			t.Errorf("after a site scope: %+v", u)
		}

		// 店口村 moves to 枫桥镇: its cases, and the one handed to it, go with it.
		try(0, s.PlaceSite(ctx, v3.ID, fengqiao.ID)).must(t)
		if n := len(try(s.ListCases(ctx, center.Scope{Region: fengqiao.ID}, center.CaseFilter{}, now)).must(t).Rows); n != 7 {
			t.Errorf("枫桥镇 after the move: %d cases, want 7", n)
		}
		if n := len(try(s.ListCases(ctx, center.Scope{Region: diankou.ID}, center.CaseFilter{}, now)).must(t).Rows); n != 0 {
			t.Errorf("店口镇 after the move: %d cases, want 0", n)
		}
	})
}

func credentials(t *testing.T, s *sqlstore.Store, name string) center.User {
	t.Helper()
	u, _, err := s.Credentials(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
