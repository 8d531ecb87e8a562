package center_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fengqiao/center"
)

// rollupCells reads the linked rows of a rendered roll-up: name and registered cases.
var rollupCells = regexp.MustCompile(`<tr><td><a href="[^"]+">([^<]+)</a></td><td class="num">\d+</td><td class="num">(\d+)</td>`)

// TestRollupInBrowser renders the demo town split into two towns of a county, as the county's
// leader, in headless Chromium: the towns' rows add up to the page's total, and so do a town's
// halls after the drill-down, under a breadcrumb.
func TestRollupInBrowser(t *testing.T) {
	bin := chromium(t)
	ctx := context.Background()
	st, sum := demoTown(t, time.Now())
	_, proxy := signedInProxy(t, st, "zhuji", center.RoleLeader, center.WithCentre("诸暨市综治中心", "0575-87010000"))
	county, err := st.AddRegion(ctx, "诸暨市", center.LevelCounty, 0)
	if err != nil {
		t.Fatal(err)
	}
	var towns []center.Region
	for _, name := range []string{"枫桥镇", "赵家镇"} {
		r, err := st.AddRegion(ctx, name, center.LevelTown, county.ID)
		if err != nil {
			t.Fatal(err)
		}
		towns = append(towns, r)
	}
	for i, s := range sum.Sites {
		if err := st.PlaceSite(ctx, s.ID, towns[i%2].ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetUserRegion(ctx, "zhuji", county.ID); err != nil {
		t.Fatal(err)
	}
	dir := screenshotDir(t)
	total := regexp.MustCompile(`id="registered">(\d+)<`)
	for _, tt := range []struct {
		name, path, shot string
		rows             int
		want             []string
	}{
		{"county", "/dashboard", "centre-regions.png", 2, []string{"按镇汇总", "各镇化解率"}},
		{"town", fmt.Sprintf("/dashboard?region=%d", towns[1].ID), "", (len(sum.Sites) + 1) / 2,
			[]string{"按站点汇总", `<a href="/dashboard">县 诸暨市</a> › <strong>镇 赵家镇</strong>`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dom := runChromium(t, bin, "--window-size=1280,2000", "--dump-dom", proxy.URL+tt.path)
			for _, w := range tt.want {
				if !strings.Contains(dom, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			rows := rollupCells.FindAllStringSubmatch(dom, -1)
			added := 0
			for _, r := range rows {
				n, _ := strconv.Atoi(r[2])
				added += n
			}
			m := total.FindStringSubmatch(dom)
			if len(rows) != tt.rows || m == nil || m[1] != strconv.Itoa(added) || added == 0 {
				t.Errorf("%d rows adding up to %d; want %d rows adding up to the page's %v", len(rows), added, tt.rows, m)
			}
			checkNoPersonalData(t, tt.name, dom)
			if tt.shot != "" {
				abs, _ := filepath.Abs(filepath.Join(dir, tt.shot))
				runChromium(t, bin, "--window-size=1280,1400", "--screenshot="+abs, proxy.URL+tt.path)
				if fi, err := os.Stat(abs); err != nil || fi.Size() < 10_000 {
					t.Errorf("screenshot %s: %v", abs, err)
				}
			}
		})
	}
}
