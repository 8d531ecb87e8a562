package center_test

import (
	"context"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// addRegions puts site A in 枫桥镇 and site B in 店口镇, both towns of 诸暨市 in 绍兴市, and adds
// townA (staff of 枫桥镇) and county (leader of 诸暨市). It returns the regions by name.
func addRegions(t *testing.T, st *sqlstore.Store, siteA, siteB center.Site) map[string]center.Region {
	t.Helper()
	ctx := context.Background()
	out := map[string]center.Region{}
	for _, r := range []struct {
		name   string
		level  center.Level
		parent string
	}{{"绍兴市", center.LevelCity, ""}, {"诸暨市", center.LevelCounty, "绍兴市"}, {"枫桥镇", center.LevelTown, "诸暨市"},
		{"店口镇", center.LevelTown, "诸暨市"}, {"柯桥区", center.LevelCounty, "绍兴市"}} {
		reg, err := st.AddRegion(ctx, r.name, r.level, out[r.parent].ID)
		if err != nil {
			t.Fatal(err)
		}
		out[r.name] = reg
	}
	for site, town := range map[int64]string{siteA.ID: "枫桥镇", siteB.ID: "店口镇"} {
		if err := st.PlaceSite(ctx, site, out[town].ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []struct {
		name, region string
		role         center.Role
	}{{"townA", "枫桥镇", center.RoleStaff}, {"county", "诸暨市", center.RoleLeader}} {
		_, th := center.NewToken()
		if err := st.AddUser(ctx, u.name, th, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserAccess(ctx, u.name, u.role, 0); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserRegion(ctx, u.name, out[u.region].ID); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
