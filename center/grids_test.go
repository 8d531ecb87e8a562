package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// gridOf adds a big grid and its small grid to a site and returns the small grid.
func gridOf(t *testing.T, st *sqlstore.Store, site center.Site, big, small string) center.Grid {
	t.Helper()
	ctx := context.Background()
	b, err := st.AddGrid(ctx, site.ID, 0, big)
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.AddGrid(ctx, site.ID, b.ID, small)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// exec runs a statement on the store's database ($1 placeholders work on both backends).
func execSQL(t *testing.T, st *sqlstore.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// reportText extracts the text of a PDF with pdftotext, skipping the test without it.
func reportText(t *testing.T, pdf string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skipf("pdftotext not installed (poppler-utils): %v", err)
	}
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return out.String()
}

// rowAfter returns the words of the first line after the heading that starts with name.
func rowAfter(text, heading, name string) []string {
	_, rest, ok := strings.Cut(text, heading)
	if !ok {
		return nil
	}
	for line := range strings.Lines(rest) {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			return f
		}
	}
	return nil
}

// TestLedgerBySource: 栎桥村's case came from a grid round, 枫源村's was a walk-in. The ledger
// page, the 台账 and the monthly report filter by source, count each case once and show its
// grid; an unknown source is refused.
func TestLedgerBySource(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newWebFixture(t, be.DSN(t))
			g := gridOf(t, f.st, f.siteB, "第一网格", "一组")
			execSQL(t, f.st, "UPDATE cases SET source = 'grid', grid_id = $1 WHERE code = $2", g.ID, f.codeB)
			leader := f.browser(t)
			leader.signIn("leader", testPassword)
			for _, tt := range []struct {
				source         string
				cases, grid    int
				walkIn         int
				code, notCode  string
				heading, label string
			}{
				{"", 2, 1, 1, "", "", "", ""},
				{"grid", 1, 1, 0, f.codeB, f.codeA, "来源：网格排查", "网格排查"},
				{"walkin", 1, 0, 1, f.codeA, f.codeB, "来源：来访", "来访"},
				{"12345", 0, 0, 0, "", "", "来源：12345", ""},
			} {
				t.Run("source="+tt.source, func(t *testing.T) {
					q := "?source=" + tt.source
					status, page := leader.do("GET", "/dashboard"+q, nil)
					if status != 200 || !strings.Contains(page, fmt.Sprintf(`id="registered">%d<`, tt.cases)) {
						t.Errorf("ledger page: %d, want %d registered", status, tt.cases)
					}
					bySource, _, _ := strings.Cut(page[strings.Index(page, `id="by-source"`):], "</section>")
					for _, w := range []string{fmt.Sprintf("<td>网格排查</td><td class=\"num\">%d</td>", tt.grid),
						fmt.Sprintf("<td>来访</td><td class=\"num\">%d</td>", tt.walkIn)} {
						if !strings.Contains(bySource, w) {
							t.Errorf("按来源 lacks %s:\n%s", w, bySource)
						}
					}
					if tt.grid > 0 && !strings.Contains(page, "<td>栎桥村 · 第一网格 · 一组</td>") {
						t.Error("按网格 lacks 栎桥村 · 第一网格 · 一组")
					}

					status, body := leader.do("GET", "/dashboard/ledger.xlsx"+q, nil)
					x, err := excelize.OpenReader(strings.NewReader(body))
					if status != 200 || err != nil {
						t.Fatalf("ledger.xlsx: %d %v", status, err)
					}
					defer x.Close()
					rows, _ := x.GetRows("台账")
					if len(rows)-1 != tt.cases {
						t.Errorf("台账 has %d cases, want %d", len(rows)-1, tt.cases)
					}
					src, grid := slices.Index(center.LedgerColumns, "来源"), slices.Index(center.LedgerColumns, "网格")
					for _, r := range rows[1:] {
						fromGrid := strings.HasPrefix(r[src], "网格排查（")
						if fromGrid != (len(r) > grid && r[grid] == "第一网格 · 一组") ||
							!fromGrid && !strings.HasPrefix(r[src], "来访（") || tt.label != "" && !strings.HasPrefix(r[src], tt.label+"（") {
							t.Errorf("台账 row 来源 %q, 网格 %q", r[src], r[grid:])
						}
					}
					if sum, _ := x.GetRows("汇总"); tt.heading != "" && !slices.Contains(sum[0], tt.heading) {
						t.Errorf("汇总 heading %q lacks %s", sum[0], tt.heading)
					}

					status, pdf := leader.do("GET", "/dashboard/report.pdf"+q, nil)
					if status != 200 {
						t.Fatalf("report.pdf: %d", status)
					}
					text := reportText(t, pdf)
					if got := rowAfter(text, "按来源", "网格排查"); len(got) < 2 || got[1] != fmt.Sprint(tt.grid) {
						t.Errorf("report 按来源 网格排查 %q, want 本月受理 %d", got, tt.grid)
					}
					if got := rowAfter(text, "按来源", "来访"); len(got) < 2 || got[1] != fmt.Sprint(tt.walkIn) {
						t.Errorf("report 按来源 来访 %q, want 本月受理 %d", got, tt.walkIn)
					}
					if !strings.Contains(text, tt.heading) {
						t.Errorf("report lacks %q", tt.heading)
					}
				})
			}
			for _, path := range []string{"/dashboard", "/dashboard/ledger.xlsx", "/dashboard/report.pdf"} {
				if status, _ := leader.do("GET", path+"?source=rumour", nil); status != http.StatusBadRequest {
					t.Errorf("%s?source=rumour: %d, want 400", path, status)
				}
			}
		})
	}
}

// openAt opens a case at the site for the visitor as the site's hall would push it.
func openAt(t *testing.T, st *sqlstore.Store, site center.Site, v app.Visitor) string {
	t.Helper()
	ctx := context.Background()
	cur, err := st.Site(ctx, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	m := v.Masked()
	c := app.Case{Code: app.NewCaseCode(), Service: "mediation", Category: "土地纠纷", Status: app.CaseRegistered,
		OpenedAt: now, UpdatedAt: now, Visitor: &m}
	body, _ := json.Marshal(app.Event{At: now, Kind: app.EventCaseOpened, Case: &c})
	private, _ := json.Marshal(v)
	if _, err := st.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: []wire.Event{{ID: cur.AppliedThrough + 1, At: now,
		Kind: app.EventCaseOpened, Body: body, Private: private}}}); err != nil {
		t.Fatal(err)
	}
	return c.Code
}

// TestWarningPage: 欧阳丽华 came to 枫源村 and to 栎桥村 (matched by the keyed hash, shown masked),
// 栎桥村's first case has 6 parties (群体性). Every role is checked against the page, and a user
// of 枫源村 sees neither the repeat nor 栎桥村's dispute.
func TestWarningPage(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t), center.WithWarning(5, true))
			ctx := context.Background()
			if err := f.st.SetIDKey(bytes.Repeat([]byte("k"), sqlstore.MinIDKey)); err != nil {
				t.Fatal(err)
			}
			again := openAt(t, f.st, f.siteB, visitorA) // hashed as it arrives
			if n, err := f.st.BackfillIDHashes(ctx); n != 2 || err != nil {
				t.Fatalf("backfill %d, %v; want the fixture's 2 cases", n, err)
			}
			execSQL(t, f.st, "UPDATE cases SET parties = 6 WHERE code = $1", f.codeB)
			masked := app.MaskName(visitorA.Name)
			for _, p := range f.principals {
				if p.user == nil || !p.session {
					continue
				}
				status, page, _ := f.call(t, p, "GET", "/dashboard/warning", "")
				checkNoPersonalData(t, "warning page as "+p.name, page)
				allowed := p.user.Role.CanWrite()
				if allowed != (status == 200) || !allowed && status != http.StatusForbidden {
					t.Errorf("%s: status %d, allowed %v", p.name, status, allowed)
					continue
				}
				if !allowed {
					continue
				}
				sees := func(site center.Site) bool { return p.user.Site == 0 || p.user.Site == site.ID }
				if p.user.Region != 0 { // the region users of the fixture: town A holds site A, the county both
					sees = func(site center.Site) bool { return site == f.siteA || p.name == "leader of the county" }
				}
				all, seesB := sees(f.siteA) && sees(f.siteB), sees(f.siteB)
				for _, c := range []struct {
					what string
					ok   bool
				}{
					{`id="repeats">1<`, all}, {`id="repeats">0<`, !all}, {masked, all}, {again, all},
					{`id="group">1<`, seesB}, {`id="group">0<`, !seesB}, {"<td class=\"num bad\">6</td>", seesB},
					{"欧阳丽华", false}, {visitorA.IDNumber, false},
				} {
					if strings.Contains(page, c.what) != c.ok {
						t.Errorf("%s: page has %q: %v, want %v", p.name, c.what, !c.ok, c.ok)
					}
				}
			}
			staff := f.principals[7]
			for _, tt := range []struct {
				weeks  string
				status int
			}{{"4", 400}, {"5", 200}, {"26", 200}, {"27", 400}, {"x", 400}} {
				if status, _, _ := f.call(t, staff, "GET", "/dashboard/warning?weeks="+tt.weeks, ""); status != tt.status {
					t.Errorf("weeks=%s: %d, want %d", tt.weeks, status, tt.status)
				}
			}
			keyless := newAuthFixture(t, be.DSN(t))
			if _, page, _ := keyless.call(t, keyless.principals[7], "GET", "/dashboard/warning", ""); !strings.Contains(page, "未配置身份证号密钥") {
				t.Error("without the ID key the page does not say repeat visitors are not matched")
			}
		})
	}
}

// TestGridsPage: an admin sets up a village's grids and binds a 网格员 and a 网格长 through the
// page's forms; wrong bindings are refused in Chinese, a form without its token is refused, and
// no one but an admin gets the page.
func TestGridsPage(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			ctx := context.Background()
			hash, _ := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
			if err := f.st.SetPassword(ctx, "admin", hash); err != nil {
				t.Fatal(err)
			}
			admin := f.browser(t)
			_, csrf := admin.signIn("admin", testPassword)
			post := func(path string, form url.Values) (int, string) {
				if form.Get("csrf") == "" {
					form.Set("csrf", csrf)
				}
				return admin.do("POST", path, form)
			}
			site := fmt.Sprint(f.siteA.ID)
			if st, body := post("/dashboard/grids", url.Values{"site": {site}, "parent": {"0"}, "name": {"第一网格"}}); st != 303 {
				t.Fatalf("add big grid: %d %.300s", st, body)
			}
			grids, _ := f.st.Grids(ctx, 0)
			big := fmt.Sprint(grids[0].ID)
			if st, _ := post("/dashboard/grids", url.Values{"site": {site}, "parent": {big}, "name": {"一组"}}); st != 303 {
				t.Fatalf("add small grid: %d", st)
			}
			grids, _ = f.st.Grids(ctx, 0)
			smallGrid, err := center.FindGrid(grids, "一组")
			if err != nil {
				t.Fatal(err)
			}
			small := fmt.Sprint(smallGrid.ID)
			for _, tt := range []struct {
				name, path string
				form       url.Values
				status     int
				want       string
			}{
				{"网格员 to the small grid", "/dashboard/grids/" + small + "/members", url.Values{"user": {"gridworker"}}, 303, ""},
				{"网格长 to the big grid", "/dashboard/grids/" + big + "/members", url.Values{"user": {"gridleader"}}, 303, ""},
				{"网格员 to the big grid", "/dashboard/grids/" + big + "/members", url.Values{"user": {"gridworker"}}, 400, "网格员只能加入小网格"},
				{"网格长 to the small grid", "/dashboard/grids/" + small + "/members", url.Values{"user": {"gridleader"}}, 400, "网格长只能负责大网格"},
				{"staff to a grid", "/dashboard/grids/" + small + "/members", url.Values{"user": {"staff"}}, 400, "只有网格员、网格长账号"},
				{"the same name twice", "/dashboard/grids", url.Values{"site": {site}, "parent": {"0"}, "name": {"一组"}}, 409, "本村已有同名网格"},
				{"a small grid of another village", "/dashboard/grids", url.Values{"site": {fmt.Sprint(f.siteB.ID)}, "parent": {big},
					"name": {"二组"}}, 404, "未找到"},
				{"no form token", "/dashboard/grids", url.Values{"csrf": {"forged"}, "site": {site}, "name": {"二组"}}, 403, "表单已失效"},
			} {
				if st, body := post(tt.path, tt.form); st != tt.status || !strings.Contains(body, tt.want) {
					t.Errorf("%s: %d, want %d with %q: %.300s", tt.name, st, tt.status, tt.want, body)
				}
			}
			_, page := admin.do("GET", "/dashboard/grids", nil)
			for _, w := range []string{"<h3>枫源村</h3>", "<strong>第一网格</strong>", "<td>一组</td>", "gridworker · 网格员", "gridleader · 网格长"} {
				if !strings.Contains(page, w) {
					t.Errorf("grids page lacks %s", w)
				}
			}
			if st, _ := post("/dashboard/grids/"+small+"/members/gridworker/remove", url.Values{}); st != 303 {
				t.Errorf("remove member: %d", st)
			}
			grids, _ = f.st.Grids(ctx, 0)
			for _, g := range grids {
				if len(g.Members) != map[bool]int{true: 1, false: 0}[g.Big()] {
					t.Errorf("after removal, %s has %+v", g.Name, g.Members)
				}
			}
			log, _ := f.st.AuditLog(ctx, 20)
			var actions []string
			for _, e := range log {
				actions = append(actions, e.Action)
			}
			if !slices.Contains(actions, "grid.add") || !slices.Contains(actions, "grid.member.add") || !slices.Contains(actions, "grid.member.remove") {
				t.Errorf("audit %v", actions)
			}
			for _, p := range f.principals {
				if p.session && p.user.Role != center.RoleAdmin {
					if st, _, _ := f.call(t, p, "GET", "/dashboard/grids", ""); st != http.StatusForbidden {
						t.Errorf("%s: grids page %d, want 403", p.name, st)
					}
				}
			}
		})
	}
}
