package center_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/wire"
)

// pushRatings pushes ratings of the scores to the site, one an hour up to an hour ago.
func pushRatings(t *testing.T, f *webFixture, site int64, scores ...app.Score) {
	t.Helper()
	ctx := context.Background()
	st, err := f.st.Site(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	var events []wire.Event
	for i, score := range scores {
		at := time.Now().Add(-time.Duration(len(scores)-i) * time.Hour)
		r := app.Rating{ID: int64(i + 1), Label: fmt.Sprintf("A%03d", i+1), Window: 1 + i%2, Score: score,
			Flagged: score.Flagged(), At: at}
		body, _ := json.Marshal(struct {
			app.Event
			Rating *app.Rating `json:"rating"`
		}{app.Event{At: at, Kind: app.EventRated}, &r})
		events = append(events, wire.Event{ID: st.AppliedThrough + int64(i) + 1, At: at, Kind: app.EventRated, Body: body})
	}
	if _, err := f.st.ApplyBatch(ctx, site, wire.PushRequest{Events: events}); err != nil {
		t.Fatal(err)
	}
}

// TestSiteSatisfactionSummed: each site's satisfaction summed in SQL is the one counted from every
// rating, for every scope, on both backends.
func TestSiteSatisfactionSummed(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newWebFixture(t, be.DSN(t))
			pushRatings(t, f, f.siteA.ID, app.VerySatisfied, app.Satisfied, app.FairlySatisfied, app.Dissatisfied,
				app.VeryDissatisfied, app.Satisfied)
			pushRatings(t, f, f.siteB.ID, app.Dissatisfied, app.VerySatisfied)
			for _, tt := range []struct {
				name  string
				scope center.Scope
				sites int
			}{{"every site", center.Scope{}, 2}, {"site A", center.Scope{Site: f.siteA.ID}, 1},
				{"site B", center.Scope{Site: f.siteB.ID}, 1}} {
				ratings, err := f.st.Ratings(ctx, tt.scope, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				want := center.SatisfactionBy(ratings, func(r center.RatingRow) string { return fmt.Sprint(r.Site) },
					func(center.RatingRow) string { return "" })
				got, err := f.st.SiteSatisfaction(ctx, tt.scope)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != tt.sites {
					t.Errorf("%s: summed %+v, want %+v", tt.name, got, want)
				}
			}
		})
	}
}

// TestRegionViewListsSilentHalls: a county's dashboard rolls up its towns and lists, of its
// halls, only those out of contact with their count, with no table by hall; a town's lists every
// hall and has its table by hall with each hall's satisfaction.
func TestRegionViewListsSilentHalls(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newAuthFixture(t, be.DSN(t))
			_, hash := center.NewToken()
			silent, err := f.st.AddSite(ctx, "新建村", hash) // never heard from
			if err != nil {
				t.Fatal(err)
			}
			if err := f.st.PlaceSite(ctx, silent.ID, f.regions["店口镇"].ID); err != nil {
				t.Fatal(err)
			}
			pushRatings(t, f.webFixture, f.siteA.ID, app.Satisfied, app.Dissatisfied)
			county := f.principals[13]
			fresh := func(page string) string {
				i := strings.Index(page, `id="freshness"`)
				if i < 0 {
					t.Fatal("no freshness table")
				}
				table, _, _ := strings.Cut(page[i:], "</table>")
				return table
			}
			for _, tt := range []struct {
				name, path      string
				want, notWanted []string
				listed, missing []string // hall names in the freshness table, and not
			}{
				{"county", "/dashboard", []string{"失联站点（1 / 3 个站点）", "按镇汇总"}, []string{"<h2>按站点</h2>"},
					[]string{"新建村"}, []string{f.siteA.Name, f.siteB.Name}},
				{"town", fmt.Sprintf("/dashboard?region=%d", f.regions["枫桥镇"].ID), []string{"各站点同步状态", "<h2>按站点</h2>", "50.0%"},
					[]string{"失联站点（"}, []string{f.siteA.Name}, nil},
			} {
				st, page := regionCall(t, f, county, "GET", tt.path, nil)
				if st != 200 {
					t.Fatalf("%s: %d", tt.name, st)
				}
				for _, w := range tt.want {
					if !strings.Contains(page, w) {
						t.Errorf("%s: the page lacks %q", tt.name, w)
					}
				}
				for _, w := range tt.notWanted {
					if strings.Contains(page, w) {
						t.Errorf("%s: the page has %q", tt.name, w)
					}
				}
				table := fresh(page)
				for _, n := range tt.listed {
					if !strings.Contains(table, n) {
						t.Errorf("%s: %s not in the freshness table", tt.name, n)
					}
				}
				for _, n := range tt.missing {
					if strings.Contains(table, n) {
						t.Errorf("%s: %s in the freshness table", tt.name, n)
					}
				}
				if !strings.Contains(page, `href="/dashboard/cases?overdue=1"`) {
					t.Errorf("%s: no link to the overdue cases", tt.name)
				}
			}
		})
	}
}
