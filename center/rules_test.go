package center_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// principal is a caller of the matrix: a bearer token, a session cookie, or neither.
type principal struct {
	name    string
	token   string
	cookie  string
	csrf    string
	site    bool         // the token is a site's
	user    *center.User // the user of a live token or session
	live    bool         // the user's token works
	session bool         // the cookie is a live session
}

// authFixture is the web fixture with a token and a session for every kind of caller.
type authFixture struct {
	*webFixture
	principals []principal
	siteTokens map[string]string // by site: A, B
	regions    map[string]center.Region
}

func newAuthFixture(t *testing.T, dsn string, opts ...center.Option) *authFixture {
	t.Helper()
	ctx := context.Background()
	f := &authFixture{webFixture: newWebFixture(t, dsn, opts...), siteTokens: map[string]string{}}
	st := f.st
	now := time.Now()
	for name, site := range map[string]center.Site{"A": f.siteA, "B": f.siteB} {
		tok, hash := center.NewToken()
		if err := st.RotateSiteToken(ctx, site.ID, hash, now); err != nil {
			t.Fatal(err)
		}
		f.siteTokens[name] = tok
	}
	for _, u := range []struct {
		name string
		role center.Role
		site int64
	}{{"admin", center.RoleAdmin, 0}, {"villageB", center.RoleStaff, f.siteB.ID},
		{"gridworker", center.RoleGridWorker, f.siteA.ID}, {"gridleader", center.RoleGridLeader, 0}} {
		_, th := center.NewToken()
		if err := st.AddUser(ctx, u.name, th, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetUserAccess(ctx, u.name, u.role, u.site); err != nil {
			t.Fatal(err)
		}
	}
	f.regions = addRegions(t, st, f.siteA, f.siteB)
	users, err := st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]center.User{}
	for _, u := range users {
		byName[u.Name] = u
	}
	userPrincipal := func(label, name string, expires time.Time, revoke, withSession bool) principal {
		tok, th := center.NewToken()
		tk, err := st.AddToken(ctx, name, th, expires)
		if err != nil {
			t.Fatal(err)
		}
		if revoke {
			if err := st.RevokeToken(ctx, tk.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		u := byName[name]
		p := principal{name: label, token: tok, user: &u, live: !revoke && expires.After(now)}
		if withSession {
			p.cookie, p.session = f.newSession(t, name), true
		}
		return p
	}
	f.principals = []principal{
		{name: "none"},
		{name: "wrong token", token: "nope", cookie: "nope"},
		{name: "site A", token: f.siteTokens["A"], site: true},
		{name: "site B", token: f.siteTokens["B"], site: true},
		userPrincipal("readonly", "reader", now.Add(time.Hour), false, true),
		userPrincipal("staff of site A", "village", now.Add(time.Hour), false, true),
		userPrincipal("staff of site B", "villageB", now.Add(time.Hour), false, true),
		userPrincipal("staff", "staff", now.Add(time.Hour), false, true),
		userPrincipal("leader", "leader", now.Add(time.Hour), false, true),
		userPrincipal("admin", "admin", now.Add(time.Hour), false, true),
		userPrincipal("expired token", "staff", now.Add(-time.Minute), false, false),
		userPrincipal("revoked token", "leader", now.Add(time.Hour), true, false),
		userPrincipal("staff of town A", "townA", now.Add(time.Hour), false, true),
		userPrincipal("leader of the county", "county", now.Add(time.Hour), false, true),
		userPrincipal("网格员", "gridworker", now.Add(time.Hour), false, true),
		userPrincipal("网格长", "gridleader", now.Add(time.Hour), false, true),
	}
	return f
}

// newSession returns a fresh session cookie for the user.
func (f *authFixture) newSession(t *testing.T, user string) string {
	t.Helper()
	c, err := center.NewSession(context.Background(), f.st, user, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call makes one request as p; a session caller gets a fresh session (logout ends one).
func (f *authFixture) call(t *testing.T, p principal, method, path, body string) (int, string, http.Header) {
	t.Helper()
	var form bool
	var csrf string
	cookie := p.cookie
	if p.session {
		cookie = f.newSession(t, p.user.Name)
		_, u, _ := f.st.Session(context.Background(), center.HashToken(cookie), time.Now())
		if u.Name != p.user.Name {
			t.Fatalf("session of %s is %s", p.user.Name, u.Name)
		}
		ses, _, _ := f.st.Session(context.Background(), center.HashToken(cookie), time.Now())
		csrf = ses.CSRF
	}
	if method == "POST" && !strings.HasPrefix(path, "/api/") {
		body, form = url.Values{"csrf": {csrf}}.Encode(), true
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "fq_session", Value: cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// fill puts test values into a route's path parameters.
func fill(path, code string) string {
	return strings.NewReplacer("{code}", code, "{name}", "nobody", "{id}", "999999", "{$}", "").Replace(path)
}

func TestEveryRouteHasItsRule(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			routes := center.NewServer(f.st, nil).Routes()
			for _, rt := range routes {
				for _, p := range f.principals {
					path := fill(rt.Path, f.codeA)
					body := ""
					if rt.Method == "POST" {
						body = "{}"
					}
					status, raw, hdr := f.call(t, p, rt.Method, path, body)
					what := rt.Method + " " + rt.Path + " as " + p.name
					refused := status == 401 || status == 403 ||
						rt.Method == "GET" && status == http.StatusSeeOther && strings.HasSuffix(hdr.Get("Location"), "/login") &&
							rt.Rule.Auth == center.SessionCookie
					var want bool
					switch rt.Rule.Auth {
					case center.Public:
						continue // checked below: the same for everyone
					case center.SiteToken:
						want = p.site
					case center.UserToken:
						want = p.user != nil && p.live && rt.Rule.Allows(*p.user)
					case center.SessionCookie:
						want = p.session && rt.Rule.Allows(*p.user)
					case center.PhoneSession:
						want = false // no principal here holds a phone session: phone_test.go has them
					default:
						t.Fatalf("%s: no rule", what)
					}
					if refused == want {
						t.Errorf("%s: status %d, allowed %v, want %v (%.200s)", what, status, !refused, want, raw)
					}
					if strings.HasPrefix(path, "/api/") {
						var e wire.ErrorReply
						if status >= 400 && (json.Unmarshal([]byte(raw), &e) != nil || e.Code == "") {
							t.Errorf("%s: error %d is not JSON: %.200s", what, status, raw)
						}
					}
				}
				if rt.Rule.Auth == center.Public {
					first, _, _ := f.call(t, f.principals[0], rt.Method, fill(rt.Path, f.codeA), "")
					for _, p := range f.principals[1:] {
						if got, _, _ := f.call(t, p, rt.Method, fill(rt.Path, f.codeA), ""); got != first {
							t.Errorf("public %s %s: status %d as %s, %d as nobody", rt.Method, rt.Path, got, p.name, first)
						}
					}
				}
			}
		})
	}
}

// TestRulesTable pins the table's intent, so that a rule cannot quietly widen.
func TestRulesTable(t *testing.T) {
	st := openStore(t)
	for _, rt := range center.NewServer(st, nil).Routes() {
		r := rt.Rule
		name := rt.Method + " " + rt.Path
		writes := rt.Method != "GET" && rt.Path != "/logout" && rt.Path != "/login"
		if writes && slices.Contains(r.Roles, center.RoleReadOnly) {
			t.Errorf("%s: readonly may write", name)
		}
		if strings.HasPrefix(rt.Path, "/api/v1/sync/") != (r.Auth == center.SiteToken) {
			t.Errorf("%s: only the sync endpoints take site tokens", name)
		}
		if strings.Contains(rt.Path, "{code}") && r.Auth != center.Public && r.Reach != center.OwnSite {
			t.Errorf("%s: case routes are scoped to the user's site", name)
		}
		// The party search takes a name or ID number: never in a URL, never for readonly.
		if strings.HasPrefix(rt.Path, "/dashboard/cases/search") && (rt.Method != "POST" || slices.Contains(r.Roles, center.RoleReadOnly)) {
			t.Errorf("%s: the party search is a POST for staff, leaders and admins", name)
		}
		for _, admin := range []string{"/dashboard/sites", "/dashboard/tokens", "/dashboard/audit", "/dashboard/grids"} {
			if strings.HasPrefix(rt.Path, admin) && !slices.Equal(r.Roles, []center.Role{center.RoleAdmin}) {
				t.Errorf("%s: admins only", name)
			}
		}
	}
}

func TestRouteWithoutRulePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a route without a rule was registered")
		}
	}()
	center.RegisterForTest(openStore(t), "GET /x", center.Rule{})
}

// TestOtherSiteIsUnknown: a scoped user's request for another site's case answers exactly as
// for a case that does not exist, and changes nothing.
func TestOtherSiteIsUnknown(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			staffA := f.principals[5]
			for _, tt := range []struct{ method, suffix, body string }{
				{"GET", "", ""}, {"POST", "/changes", `{"status":"closed","result":"resolved"}`},
				{"POST", "/followups", `{"note":"越权回访"}`},
			} {
				st1, b1, _ := f.call(t, staffA, tt.method, "/api/v1/cases/"+f.codeB+tt.suffix, tt.body)
				st2, b2, _ := f.call(t, staffA, tt.method, "/api/v1/cases/"+app.NewCaseCode()+tt.suffix, tt.body)
				if st1 != 404 || st1 != st2 || b1 != b2 {
					t.Errorf("%s %s: other site %d %s, unknown %d %s", tt.method, tt.suffix, st1, b1, st2, b2)
				}
			}
			if ch, err := f.st.Changes(context.Background(), f.siteB.ID, 0, 10); err != nil || len(ch) != 0 {
				t.Errorf("site B got changes %v, %v", ch, err)
			}
			// Readonly never writes.
			if st, _, _ := f.call(t, f.principals[4], "POST", "/api/v1/cases/"+f.codeA+"/followups", `{"note":"x"}`); st != 403 {
				t.Errorf("readonly follow-up: %d", st)
			}
			// The author is the token's user; a body naming one is refused.
			staff := f.principals[7]
			if st, raw, _ := f.call(t, staff, "POST", "/api/v1/cases/"+f.codeA+"/followups", `{"note":"x","by":"李四"}`); st != 400 ||
				!strings.Contains(raw, app.EBYNOTALLOWED) {
				t.Errorf("body by: %d %s", st, raw)
			}
			st, raw, _ := f.call(t, staff, "POST", "/api/v1/cases/"+f.codeA+"/followups", `{"note":"已电话联系"}`)
			var c center.Case
			if st != 200 || json.Unmarshal([]byte(raw), &c) != nil || c.History[len(c.History)-1].By != "staff" {
				t.Errorf("follow-up: %d %s", st, raw)
			}
			log, err := f.st.AuditLog(context.Background(), 10)
			if err != nil || len(log) == 0 || log[0].Action != "case.followup" || log[0].Principal != "user:staff" ||
				log[0].Case != f.codeA || log[0].Address == "" {
				t.Errorf("audit = %+v, %v", log, err)
			}
		})
	}
}

func openStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), centertest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
