package center_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fengqiao/center/centertest"
)

// rollupRow is a linked row of the overview's roll-up table: link, name, halls, cases registered.
var rollupRow = regexp.MustCompile(`<tr><td><a href="([^"]+)">([^<]+)</a></td><td class="num">(\d+)</td><td class="num">(\d+)</td>`)

// TestCountyRollup: the county's leader sees its towns with their halls and cases, drills down to
// a town's halls, and not into another county; moving a hall moves its figures.
func TestCountyRollup(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			town, county := f.principals[12], f.principals[13]
			rows := func(path string) string {
				t.Helper()
				st, page := regionCall(t, f, county, "GET", path, nil)
				if st != 200 {
					t.Fatalf("%s: %d", path, st)
				}
				table, _, _ := strings.Cut(page[strings.Index(page, `id="rollup"`)+1:], "</table>")
				var b strings.Builder
				for _, m := range rollupRow.FindAllStringSubmatch(table, -1) {
					fmt.Fprintf(&b, "%s %s %s %s;", m[1], m[2], m[3], m[4])
				}
				return b.String()
			}
			fq, dk := f.regions["枫桥镇"].ID, f.regions["店口镇"].ID
			want := fmt.Sprintf("/dashboard?region=%d 店口镇 1 1;/dashboard?region=%d 枫桥镇 1 1;", dk, fq)
			if got := rows("/dashboard"); got != want {
				t.Errorf("county roll-up %q, want %q", got, want)
			}
			path := fmt.Sprintf("/dashboard?region=%d", fq)
			if got, want := rows(path), fmt.Sprintf("/dashboard?site=%d 枫源村 1 1;", f.siteA.ID); got != want {
				t.Errorf("枫桥镇 %q, want %q", got, want)
			}
			if _, page := regionCall(t, f, county, "GET", path, nil); !strings.Contains(page, `<a href="/dashboard">县 诸暨市</a> › <strong>镇 枫桥镇</strong>`) {
				t.Errorf("no breadcrumb on the town's page")
			}
			for _, p := range []string{fmt.Sprintf("/dashboard?region=%d", dk), fmt.Sprintf("/dashboard?site=%d", f.siteB.ID)} {
				if st, _ := regionCall(t, f, town, "GET", p, nil); st != 404 {
					t.Errorf("%s as town A: %d, want 404", p, st)
				}
			}
			if st, _ := regionCall(t, f, county, "GET", fmt.Sprintf("/dashboard?region=%d", f.regions["柯桥区"].ID), nil); st != 404 {
				t.Errorf("another county as the county: %d, want 404", st)
			}
			if err := f.st.PlaceSite(context.Background(), f.siteB.ID, fq); err != nil {
				t.Fatal(err)
			}
			want = fmt.Sprintf("/dashboard?region=%d 店口镇 0 0;/dashboard?region=%d 枫桥镇 2 2;", dk, fq)
			if got := rows("/dashboard"); got != want {
				t.Errorf("after the move %q, want %q", got, want)
			}
		})
	}
}
