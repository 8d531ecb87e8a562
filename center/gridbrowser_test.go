package center_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// TestGridPagesInBrowser renders the early warning page and the grids page of the demo town, two
// of its villages given grids, in headless Chromium, checks what they show and keeps screenshots
// (docs/screenshots with FENGQIAO_SCREENSHOTS=1).
func TestGridPagesInBrowser(t *testing.T) {
	bin := chromium(t)
	if testing.Short() {
		t.Skip("browser test: not with -short")
	}
	ctx := context.Background()
	st, _ := demoTown(t, time.Now())
	if err := st.SetIDKey(bytes.Repeat([]byte("k"), sqlstore.MinIDKey)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.BackfillIDHashes(ctx); err != nil {
		t.Fatal(err)
	}
	sites, err := st.Sites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, site := range sites[:2] {
		for i, name := range []string{"一组", "二组"} {
			g := gridOf(t, st, site, []string{"第一网格", "第二网格"}[i], name)
			execSQL(t, st, `UPDATE cases SET source = 'grid', grid_id = $1 WHERE code IN
				(SELECT code FROM cases WHERE site_id = $2 AND grid_id IS NULL ORDER BY opened_at DESC LIMIT 4)`, g.ID, site.ID)
		}
	}
	// Three of the first grid's disputes were found this week: it rises; one has 8 parties.
	execSQL(t, st, `UPDATE cases SET opened_at = $1 WHERE code IN (SELECT code FROM cases WHERE grid_id = 2
		AND status <> 'rejected' ORDER BY code LIMIT 3)`, time.Now().Add(-time.Minute).UnixMicro())
	execSQL(t, st, "UPDATE cases SET parties = 8 WHERE code = (SELECT min(code) FROM cases WHERE grid_id = 2 AND status <> 'rejected')")
	for _, u := range []struct {
		name string
		role center.Role
	}{{"wangwu", center.RoleGridWorker}, {"lisi", center.RoleGridLeader}} {
		_, hash := center.NewToken()
		if err := st.AddUser(ctx, u.name, hash, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserAccess(ctx, u.name, u.role, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddGridMember(ctx, "wangwu", 2); err != nil {
		t.Fatal(err)
	}
	if err := st.AddGridMember(ctx, "lisi", 1); err != nil {
		t.Fatal(err)
	}
	_, proxy := signedInProxy(t, st, "guanli", center.RoleAdmin, center.WithCentre("枫桥镇综治中心", "0575-87010000"),
		center.WithWarning(5, true))
	dir := screenshotDir(t)
	for _, tt := range []struct {
		name, path, size, shot string
		want                   []string
	}{
		{"early warning", "/dashboard/warning", "1280,2400", "centre-warning.png",
			[]string{"每周矛盾纠纷", "<svg", `id="by-site"`, `id="by-grid"`, "第一网格 · 一组", `id="group">1<`, `id="rising">`, "上升</span>",
				"上升：本周不少于 2 件"}},
		{"grids", "/dashboard/grids", "1280,1200", "centre-grids.png",
			[]string{"<h3>" + sites[0].Name + "</h3>", "<strong>第二网格</strong>", "wangwu · 网格员", "lisi · 网格长", "新增网格"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dom := runChromium(t, bin, "--window-size="+tt.size, "--dump-dom", proxy.URL+tt.path)
			for _, w := range tt.want {
				if !strings.Contains(dom, w) {
					t.Errorf("the rendered page lacks %q", w)
				}
			}
			checkNoPersonalData(t, tt.name, dom)
			abs, _ := filepath.Abs(filepath.Join(dir, tt.shot))
			runChromium(t, bin, "--window-size="+tt.size, "--screenshot="+abs, proxy.URL+tt.path)
			if fi, err := os.Stat(abs); err != nil || fi.Size() < 10_000 {
				t.Errorf("screenshot %s: %v", abs, err)
			}
		})
	}
}
