package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/demo"
	"fengqiao/center/sqlstore"
)

// TestTownNumbers checks the figures the README shows: 324 registered, 299 resolved, 92.28%,
// for any day and any seed.
func TestTownNumbers(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2} {
		st, err := sqlstore.Open(ctx, centertest.SQLite(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		now := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC).AddDate(0, 0, int(seed)*37)
		sum, err := demo.Build(ctx, st, now, seed)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Sites) != 12 || sum.Cases != demo.Registered+demo.Rejected+demo.Pending+12*demo.Others {
			t.Fatalf("seed %d: %d sites, %d cases", seed, len(sum.Sites), sum.Cases)
		}
		rows, err := st.Ledger(ctx, center.Scope{})
		if err != nil {
			t.Fatal(err)
		}
		sites, err := st.Sites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cat := center.Catalogue{Sites: map[int64]string{}, SiteServices: map[int64][]app.Service{}}
		for _, s := range sites {
			cat.Sites[s.ID], cat.SiteServices[s.ID] = s.Name, s.Catalogue.Services
		}
		l := center.BuildLedger(rows, cat, now)
		if l.Total.Registered != 324 || l.Total.Resolved != 299 || l.Total.Percent() != "92.28%" {
			t.Errorf("seed %d: %d registered, %d resolved, %s; want 324, 299, 92.28%%", seed, l.Total.Registered,
				l.Total.Resolved, l.Total.Percent())
		}
		if l.Rejected != demo.Rejected || l.Pending != demo.Pending {
			t.Errorf("seed %d: %d rejected, %d pending", seed, l.Rejected, l.Pending)
		}
		for i, r := range l.BySite {
			if r.Registered != demo.Sites[i].Cases {
				t.Errorf("seed %d: site %s has %d registered, want %d", seed, r.Label, r.Registered, demo.Sites[i].Cases)
			}
		}
		// The other services are counted apart, under their names, the town hall's own one too.
		others := 0
		for _, o := range l.Others {
			others += o.Registered
			if o.Label == demo.OwnService.Code || o.Label == center.UnknownService {
				t.Errorf("seed %d: other service shown as %q", seed, o.Label)
			}
		}
		if others != 12*demo.Others || !slices.ContainsFunc(l.Others, func(o center.ServiceStat) bool {
			return o.Label == demo.OwnService.Name
		}) {
			t.Errorf("seed %d: other services %+v", seed, l.Others)
		}
		fresh := center.SiteFreshness(sites, now, center.DefaultContactLimit)
		if !fresh[11].Lost || fresh[0].Lost {
			t.Errorf("seed %d: the last village should be out of contact, the others not: %+v", seed, fresh)
		}
		ratings, err := st.Ratings(ctx, center.Scope{}, time.Time{})
		if err != nil || len(ratings) == 0 {
			t.Errorf("seed %d: ratings %d, %v", seed, len(ratings), err)
		}
	}
}
