package center_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// Personal data of the test visitors: it must never appear in a response.
var (
	visitorA = app.Visitor{IDNumber: centertest.IDNumber(7), Name: "欧阳丽华", Phone: "13912345678"}
	visitorB = app.Visitor{IDNumber: centertest.IDNumber(8), Name: "司马建国", Phone: "13787654321"}
)

const testPassword = "correct horse battery"

// webFixture is a centre with two villages, one case each, and a user of every kind.
type webFixture struct {
	st           *sqlstore.Store
	dsn          string
	srv          *httptest.Server
	codeA, codeB string
	siteA, siteB center.Site
}

func newWebFixture(t testing.TB, dsn string, opts ...center.Option) *webFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &webFixture{st: st, dsn: dsn}
	push := func(name, phone string, v app.Visitor) (center.Site, string) {
		_, hash := center.NewToken()
		site, err := st.AddSite(ctx, name, hash)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetSitePhone(ctx, site.ID, phone); err != nil {
			t.Fatal(err)
		}
		h := centertest.NewHall(t)
		tk, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: &v})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.ChangeCase(ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAccepted}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.ChangeCase(ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所",
			Level: "人民调解", Note: v.Name + "的邻里纠纷"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: centertest.Outbox(t, h.DB(), 0)}); err != nil {
			t.Fatal(err)
		}
		return site, tk.CaseCode
	}
	f.siteA, f.codeA = push("枫源村", "0575-87011001", visitorA)
	f.siteB, f.codeB = push("栎桥村", "0575-87011002", visitorB)
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role center.Role
		site int64
	}{
		{"leader", center.RoleLeader, 0}, {"staff", center.RoleStaff, 0}, {"reader", center.RoleReadOnly, 0},
		{"village", center.RoleStaff, f.siteA.ID},
	} {
		_, th := center.NewToken()
		if err := st.AddUser(ctx, u.name, th, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserAccess(ctx, u.name, u.role, u.site); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPassword(ctx, u.name, hash); err != nil {
			t.Fatal(err)
		}
	}
	opts = append([]center.Option{center.WithCentre("枫桥镇综治中心", "0575-87010000")}, opts...)
	f.srv = httptest.NewServer(center.NewServer(st, nil, opts...))
	t.Cleanup(f.srv.Close)
	return f
}

// browser is a client with its own cookies that does not follow redirects, and that checks
// every body it receives for personal data.
type browser struct {
	t      *testing.T
	base   string
	addr   string // sent as X-Forwarded-For, if set
	client *http.Client
}

func (f *webFixture) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: f.srv.URL, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.addr != "" {
		req.Header.Set("X-Forwarded-For", b.addr)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	checkNoPersonalData(b.t, method+" "+path, string(raw))
	return resp.StatusCode, string(raw)
}

func checkNoPersonalData(t *testing.T, what, body string) {
	t.Helper()
	for _, v := range []app.Visitor{visitorA, visitorB} {
		for _, s := range []string{v.Name, v.IDNumber, v.Phone, v.Name[:len("欧阳")]} {
			if strings.Contains(body, s) {
				t.Errorf("%s: the response holds personal data %q", what, s)
			}
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in %q", body)
	}
	return m[1]
}

// signIn signs in through the form and returns the form token of the dashboard.
func (b *browser) signIn(user, password string) (status int, csrf string) {
	b.t.Helper()
	_, page := b.do("GET", "/login", nil)
	status, _ = b.do("POST", "/login", url.Values{"csrf": {csrfOf(b.t, page)}, "username": {user}, "password": {password}})
	if status != http.StatusSeeOther {
		return status, ""
	}
	_, dash := b.do("GET", "/dashboard", nil)
	return status, csrfOf(b.t, dash)
}

func TestTrackingPage(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newWebFixture(t, be.DSN(t))
			b := f.browser(t)
			status, page := b.do("GET", "/t/"+f.codeA, nil)
			if status != http.StatusOK {
				t.Fatalf("known code: status %d", status)
			}
			for _, want := range []string{f.codeA, "矛盾纠纷调解", "分流", "司法所", "0575-87011001", app.MaskName(visitorA.Name),
				"研判：承办单位分析情况"} {
				if !strings.Contains(page, want) {
					t.Errorf("tracking page lacks %q", want)
				}
			}
			if strings.Contains(page, "<script") {
				t.Error("tracking page has a script")
			}
			// A lower-case code without hyphens is the same case.
			if status, _ := b.do("GET", "/t/"+strings.ToLower(strings.ReplaceAll(f.codeA, "-", "")), nil); status != 200 {
				t.Errorf("normalised code: status %d", status)
			}

			wrongCheck := f.codeA[:len(f.codeA)-1] + map[bool]string{true: "1", false: "2"}[!strings.HasSuffix(f.codeA, "1")]
			tests := []struct{ name, path string }{
				{"unknown code", "/t/" + app.NewCaseCode()},
				{"wrong check symbol", "/t/" + wrongCheck},
				{"not a code", "/t/hello"},
				{"other site's code in wrong case", "/t/" + app.NewCaseCode()},
			}
			var first string
			for _, tt := range tests {
				status, body := b.do("GET", tt.path, nil)
				if status != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", tt.name, status)
				}
				if !strings.Contains(body, "未查到该事项；如刚登记，请稍后再查") || !strings.Contains(body, "0575-87010000") {
					t.Errorf("%s: page lacks the not-found text or the centre's phone", tt.name)
				}
				if first == "" {
					first = body
				} else if body != first {
					t.Errorf("%s: body differs from the unknown code's", tt.name)
				}
			}
		})
	}
}

func TestTrackingRateLimit(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			f := newWebFixture(t, be.DSN(t), center.WithClock(func() time.Time { return now }), center.WithTrackLimit(1, 3))
			b := f.browser(t)
			steps := []struct {
				name   string
				path   string
				status int
			}{
				{"valid 1", "/t/" + f.codeA, 200}, {"valid 2", "/t/" + f.codeB, 200}, {"valid 3", "/t/" + f.codeA, 200},
				{"valid 4", "/t/" + f.codeB, 200}, {"valid 5", "/t/" + f.codeA, 200},
				{"wrong 1", "/t/" + app.NewCaseCode(), 404}, {"wrong 2", "/t/nope", 404}, {"wrong 3", "/t/" + app.NewCaseCode(), 404},
				{"wrong 4 is limited", "/t/" + app.NewCaseCode(), 429},
				{"a valid code is refused too while limited", "/t/" + f.codeA, 429},
			}
			for _, s := range steps {
				status, body := b.do("GET", s.path, nil)
				if status != s.status {
					t.Errorf("%s: status %d, want %d", s.name, status, s.status)
				}
				if status == 429 && !strings.Contains(body, "查询次数过多") {
					t.Errorf("%s: the 429 page lacks its text", s.name)
				}
			}
			now = now.Add(61 * time.Second) // one token back
			if status, _ := b.do("GET", "/t/"+f.codeA, nil); status != 200 {
				t.Errorf("after a minute: status %d, want 200", status)
			}
		})
	}
}

func TestDashboardAccess(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newWebFixture(t, be.DSN(t))
			ctx := context.Background()

			anon := f.browser(t)
			if status, _ := anon.do("GET", "/dashboard", nil); status != http.StatusSeeOther {
				t.Errorf("anonymous dashboard: status %d, want a redirect to sign in", status)
			}
			signIns := []struct {
				name     string
				csrf     func(tok string) string
				user, pw string
				status   int
			}{
				{"no form token", func(string) string { return "" }, "leader", testPassword, 403},
				{"wrong form token", func(tok string) string { return "x" + tok }, "leader", testPassword, 403},
				{"wrong password", func(tok string) string { return tok }, "leader", "guess", 401},
				{"unknown user", func(tok string) string { return tok }, "nobody", testPassword, 401},
			}
			for _, s := range signIns {
				_, page := anon.do("GET", "/login", nil)
				status, _ := anon.do("POST", "/login", url.Values{"csrf": {s.csrf(csrfOf(t, page))}, "username": {s.user},
					"password": {s.pw}})
				if status != s.status {
					t.Errorf("sign-in %s: status %d, want %d", s.name, status, s.status)
				}
			}

			users := map[string]*browser{}
			tokens := map[string]string{}
			for _, u := range []string{"leader", "staff", "reader", "village"} {
				users[u] = f.browser(t)
				status, csrf := users[u].signIn(u, testPassword)
				if status != http.StatusSeeOther {
					t.Fatalf("%s: sign-in status %d", u, status)
				}
				tokens[u] = csrf
			}
			followUp := func(user, code, csrf string) int {
				status, _ := users[user].do("POST", "/dashboard/followups", url.Values{"csrf": {csrf}, "code": {code},
					"result": {"满意"}, "note": {"电话回访"}})
				return status
			}
			tests := []struct {
				name   string
				run    func() (int, string)
				status int
				has    []string
				hasNot []string
			}{
				{"leader sees every site", func() (int, string) { return users["leader"].do("GET", "/dashboard", nil) }, 200,
					[]string{"枫源村", "栎桥村", "矛盾纠纷台账", "<svg"}, nil},
				{"village staff see their village only", func() (int, string) { return users["village"].do("GET", "/dashboard", nil) },
					200, []string{"枫源村"}, []string{"栎桥村"}},
				{"village follow-ups list no other village", func() (int, string) {
					return users["village"].do("GET", "/dashboard/followups", nil)
				}, 200, nil, []string{f.codeB}},
				{"village hall statistics", func() (int, string) { return users["village"].do("GET", "/dashboard/hall", nil) }, 200,
					[]string{"枫源村"}, []string{"栎桥村"}},
				{"read-only may read", func() (int, string) { return users["reader"].do("GET", "/dashboard/followups", nil) }, 200,
					[]string{"只读"}, []string{`action="/dashboard/followups"`}},
				{"read-only cannot post a follow-up", func() (int, string) { return followUp("reader", f.codeA, tokens["reader"]), "" },
					403, nil, nil},
				{"village staff cannot follow up another village", func() (int, string) {
					return followUp("village", f.codeB, tokens["village"]), ""
				}, 404, nil, nil},
				{"staff post without the form token", func() (int, string) { return followUp("staff", f.codeA, ""), "" }, 403, nil, nil},
				{"staff post with another session's token", func() (int, string) {
					return followUp("staff", f.codeA, tokens["leader"]), ""
				}, 403, nil, nil},
				{"staff record a follow-up", func() (int, string) { return followUp("staff", f.codeA, tokens["staff"]), "" }, 303, nil, nil},
				{"village staff follow up their own", func() (int, string) {
					return followUp("village", f.codeA, tokens["village"]), ""
				}, 303, nil, nil},
				{"users page for leaders", func() (int, string) { return users["leader"].do("GET", "/dashboard/users", nil) }, 200,
					[]string{"village", "只读"}, nil},
				{"users page not for staff", func() (int, string) { return users["staff"].do("GET", "/dashboard/users", nil) }, 403, nil, nil},
				{"ledger export", func() (int, string) { return users["village"].do("GET", "/dashboard/ledger.xlsx", nil) }, 200, []string{"PK"}, nil},
				{"monthly report", func() (int, string) {
					return users["leader"].do("GET", "/dashboard/report.pdf?month="+time.Now().Format("2006-01"), nil)
				}, 200, []string{"%PDF"}, nil},
				{"bad month", func() (int, string) { return users["leader"].do("GET", "/dashboard/report.pdf?month=x", nil) }, 400, nil, nil},
				{"sign-out needs the form token", func() (int, string) {
					return users["reader"].do("POST", "/logout", url.Values{"csrf": {"nope"}})
				}, 403, nil, nil},
				{"sign-out", func() (int, string) {
					return users["reader"].do("POST", "/logout", url.Values{"csrf": {tokens["reader"]}})
				}, 303, nil, nil},
				{"signed out", func() (int, string) { return users["reader"].do("GET", "/dashboard", nil) }, 303, nil, nil},
			}
			for _, tt := range tests {
				status, body := tt.run()
				if status != tt.status {
					t.Errorf("%s: status %d, want %d", tt.name, status, tt.status)
				}
				for _, s := range tt.has {
					if !strings.Contains(body, s) {
						t.Errorf("%s: body lacks %q", tt.name, s)
					}
				}
				for _, s := range tt.hasNot {
					if strings.Contains(body, s) {
						t.Errorf("%s: body has %q", tt.name, s)
					}
				}
			}
			changes, err := f.st.Changes(ctx, f.siteA.ID, 0, 10)
			if err != nil || len(changes) != 2 || changes[0].Note != "回访结果：满意；电话回访" || changes[0].By != "staff" {
				t.Errorf("site A changes = %+v, %v; want the two follow-ups queued for the hall", changes, err)
			}
			if changes, _ := f.st.Changes(ctx, f.siteB.ID, 0, 10); len(changes) != 0 {
				t.Errorf("site B changes = %+v; want none", changes)
			}
		})
	}
}

func TestRetentionStripsClosedCases(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newWebFixture(t, be.DSN(t))
			db := f.st.DB()
			q := "UPDATE cases SET status = 'closed', result = 'resolved', closed_at = $1 WHERE code = $2"
			if be.Name == "sqlite" {
				q = "UPDATE cases SET status = 'closed', result = 'resolved', closed_at = ? WHERE code = ?"
			}
			old := time.Now().AddDate(-4, 0, 0)
			if _, err := db.ExecContext(ctx, q, old.UnixMicro(), f.codeA); err != nil {
				t.Fatal(err)
			}
			n, err := f.st.StripPersonalData(ctx, time.Now().AddDate(-3, 0, 0))
			if err != nil || n != 1 {
				t.Fatalf("stripped %d, %v; want 1", n, err)
			}
			for _, tc := range []struct {
				code  string
				empty bool
			}{{f.codeA, true}, {f.codeB, false}} {
				var name, id, phone, masked, notes string
				row := db.QueryRowContext(ctx, "SELECT name, id_number, phone, masked_name FROM cases WHERE code = '"+tc.code+"'")
				if err := row.Scan(&name, &id, &phone, &masked); err != nil {
					t.Fatal(err)
				}
				db.QueryRowContext(ctx, "SELECT coalesce(max(note), '') FROM case_entries WHERE code = '"+tc.code+"'").Scan(&notes)
				if got := name + id + phone + masked + notes; (got == "") != tc.empty {
					t.Errorf("case %s: identity %q, want stripped %v", tc.code, got, tc.empty)
				}
			}
			if n, _ := f.st.StripPersonalData(ctx, time.Now().AddDate(-3, 0, 0)); n != 0 {
				t.Errorf("second run stripped %d, want 0", n)
			}
			// The stripped case still counts in the ledger.
			rows, _ := f.st.Ledger(ctx, center.Scope{})
			if l := center.BuildLedger(rows, center.Catalogue{Services: app.DefaultServices()}, time.Now()); l.Total.Resolved != 1 {
				t.Errorf("resolved %d after stripping, want 1", l.Total.Resolved)
			}
		})
	}
}
