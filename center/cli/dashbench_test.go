package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// BenchmarkDashboardCity times the real dashboard and case-list handlers against a city made by
// `fengqiao-center bench` (the database FENGQIAO_DASH_DB names; skipped without it), as a city,
// a county, a town and a one-hall user: the pages' costs alone, nothing else running.
//
//	FENGQIAO_DASH_DB='postgres://…/dash_exp?sslmode=disable' go test ./center/cli -run '^$' -bench DashboardCity -benchtime 10x
func BenchmarkDashboardCity(b *testing.B) {
	dsn := os.Getenv("FENGQIAO_DASH_DB")
	if dsn == "" {
		b.Skip("FENGQIAO_DASH_DB not set")
	}
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv := center.NewServer(st, slog.New(slog.NewTextHandler(io.Discard, nil)), center.WithCentre("测试市综治中心", ""))
	users := benchScopes(b, ctx, st)
	sites, err := st.Sites(ctx)
	if err != nil {
		b.Fatal(err)
	}
	site := fmt.Sprint(sites[len(sites)/2].ID)
	month := time.Now().AddDate(0, -3, 0)
	pages := []string{"/dashboard", "/dashboard/cases", "/dashboard/cases?status=handling", "/dashboard/cases?stage=open",
		"/dashboard/cases?service=mediation&category=" + url.QueryEscape("邻里纠纷"), "/dashboard/cases?escalated=inbox",
		"/dashboard/cases?overdue=1", "/dashboard/cases?site=" + site, "/dashboard/cases?origin=" + site + "&overdue=1",
		"/dashboard/cases?from=" + month.Format(time.DateOnly) + "&to=" + month.AddDate(0, 1, -1).Format(time.DateOnly) +
			"&origin=" + site, "/dashboard/cases?owner=centre&status=accepted"}
	for _, u := range users {
		for _, p := range pages {
			b.Run(u.name+" "+p, func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, p, nil)
					req.Header.Set("Cookie", u.cookie)
					w := httptest.NewRecorder()
					srv.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("%s as %s: %d", p, u.name, w.Code)
					}
				}
			})
		}
	}
}

type benchScope struct{ name, cookie string }

// benchScopes signs in a city leader, a county's and a town's leaders and a hall's staff of the
// generated city (the first county, its first town, that town's first hall).
func benchScopes(b *testing.B, ctx context.Context, st *sqlstore.Store) []benchScope {
	regions, err := st.Regions(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tree := center.NewTree(regions)
	sites, err := st.Sites(ctx)
	if err != nil {
		b.Fatal(err)
	}
	county := tree.Children(tree.Children(0)[0].ID)[0]
	town := tree.Children(county.ID)[0]
	var hall int64
	for _, s := range sites {
		if s.Town == town.ID {
			hall = s.ID
			break
		}
	}
	sign := func(name string, role center.Role, site, region int64) benchScope {
		if _, _, err := st.Credentials(ctx, name); app.ErrorCode(err) == app.ENOTFOUND {
			_, hash := center.NewToken()
			if err := st.AddUser(ctx, name, hash, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.SetUserAccess(ctx, name, role, site); err != nil {
			b.Fatal(err)
		}
		if err := st.SetUserRegion(ctx, name, region); err != nil {
			b.Fatal(err)
		}
		tok, err := center.NewSession(ctx, st, name, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		return benchScope{name: name, cookie: "fq_session=" + tok}
	}
	return []benchScope{sign("dash-city", center.RoleLeader, 0, 0), sign("dash-county", center.RoleLeader, 0, county.ID),
		sign("dash-town", center.RoleLeader, 0, town.ID), sign("dash-hall", center.RoleStaff, hall, 0)}
}
