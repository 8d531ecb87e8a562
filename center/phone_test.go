package center_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
)

// phoneClient is a phone's browser: its own cookies, the CSRF token of its session.
type phoneClient struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
}

func (f *phoneFixture) phone(t *testing.T) *phoneClient {
	jar, _ := cookiejar.New(nil)
	return &phoneClient{t: t, base: f.srv.URL, client: &http.Client{Jar: jar}}
}

// call sends a JSON request and decodes the JSON answer.
func (p *phoneClient) call(method, path string, body any) (int, map[string]any, http.Header) {
	p.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.csrf != "" {
		req.Header.Set("X-CSRF-Token", p.csrf)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		p.t.Fatalf("%s %s: %d, not JSON: %.200s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out, resp.Header
}

func (p *phoneClient) login(user string) map[string]any {
	p.t.Helper()
	status, me, _ := p.call("POST", "/m/api/login", map[string]string{"username": user, "password": testPassword})
	if status != http.StatusOK {
		p.t.Fatalf("sign in %s: %d %v", user, status, me)
	}
	p.csrf = me["csrf"].(string)
	return me
}

// dispute is a valid dispute of the grid.
func dispute(grid int64, name string) app.GridDispute {
	return app.GridDispute{Key: newUUID(), Grid: grid, Service: "mediation", Category: "邻里纠纷", Summary: "宅基地界址争议",
		Place: "3组12号", Risk: app.RiskGeneral, Parties: []app.Visitor{{Name: name, Phone: "13912345678"}}, FoundAt: time.Now()}
}

func newUUID() string {
	tok := center.NewTokenString()
	return tok[:8] + "-" + tok[8:12] + "-4" + tok[13:16] + "-a" + tok[17:20] + "-" + tok[20:32]
}

func TestPhoneShell(t *testing.T) {
	f := newPhoneFixture(t, centertest.SQLite(t))
	for _, tt := range []struct{ path, ctype, want string }{
		{"/m/", "text/html", `<script src="app.js" defer></script>`},
		{"/m/app.js", "text/javascript", "indexedDB"},
		{"/m/app.css", "text/css", "font-size"},
		{"/m/sw.js", "text/javascript", "fq-phone-"},
		{"/m/manifest.webmanifest", "application/manifest+json", `"start_url": "/m/"`},
		{"/m/icon-192.png", "image/png", "PNG"},
	} {
		resp, err := http.Get(f.srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype) || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s, want %s holding %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.ctype, tt.want)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q", tt.path, csp)
		}
		if tt.path == "/m/sw.js" && strings.Contains(string(body), "__VERSION__") {
			t.Errorf("sw.js: the cache name is not stamped")
		}
		if tt.path == "/m/" && strings.Contains(string(body), "<script>") {
			t.Errorf("the page holds an inline script")
		}
	}
	var m struct {
		Icons []struct{ Src, Sizes string }
	}
	resp, _ := http.Get(f.srv.URL + "/m/manifest.webmanifest")
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || len(m.Icons) < 2 {
		t.Errorf("manifest: %v %v", err, m)
	}
	resp.Body.Close()
	if resp, _ := http.Get(f.srv.URL + "/m/nothing.js"); resp.StatusCode != 404 {
		t.Errorf("an unknown shell file: %d", resp.StatusCode)
	}
}

func TestPhoneSession(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newPhoneFixture(t, be.DSN(t))
			p := f.phone(t)
			if status, _, _ := p.call("POST", "/m/api/login", map[string]string{"username": "wangwu", "password": "wrong"}); status != 401 {
				t.Errorf("a wrong password: %d", status)
			}
			if status, _, _ := p.call("POST", "/m/api/login", map[string]string{"username": "staff", "password": testPassword}); status != 403 {
				t.Errorf("a dashboard user on the phone app: %d", status)
			}
			// The dashboard's sign-in sends a 网格员 to the phone app, with no dashboard session.
			jar, _ := cookiejar.New(nil)
			web := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := web.Get(f.srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp, err = web.PostForm(f.srv.URL+"/login", url.Values{"csrf": {csrfOf(t, string(page))},
				"username": {"wangwu"}, "password": {testPassword}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/m/" {
				t.Errorf("a 网格员 at the dashboard's sign-in: %d to %q, want 303 to /m/", resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, c := range resp.Cookies() {
				if c.Name == "fq_session" && c.Value != "" {
					t.Error("a 网格员 got a dashboard session")
				}
			}
			me := p.login("wangwu")
			if grids := me["grids"].([]any); len(grids) != 1 || grids[0].(map[string]any)["name"] != "一网格1" {
				t.Errorf("wangwu's grids: %v", grids)
			}
			if types := me["types"].(map[string]any)[strconv.FormatInt(f.village.ID, 10)].([]any); len(types) == 0 {
				t.Errorf("no dispute types for the village")
			}
			u, _ := url.Parse(f.srv.URL + "/m/")
			var c *http.Cookie
			for _, k := range p.client.Jar.Cookies(u) {
				if k.Name == "fq_phone" {
					c = k
				}
			}
			if c == nil {
				t.Fatal("no phone session cookie")
			}
			// The cookie lives 30 days and only under /m/.
			root, _ := url.Parse(f.srv.URL + "/dashboard")
			for _, k := range p.client.Jar.Cookies(root) {
				if k.Name == "fq_phone" {
					t.Error("the phone cookie is sent outside /m/")
				}
			}
			// A POST without the session's CSRF token is refused.
			csrf := p.csrf
			p.csrf = ""
			if status, _, _ := p.call("POST", "/m/api/disputes", dispute(f.small1, "张三丰")); status != 403 {
				t.Errorf("a POST without CSRF: %d", status)
			}
			p.csrf = csrf
			if status, out, _ := p.call("POST", "/m/api/disputes", dispute(f.small1, "张三丰")); status != 200 || out["created"] != true {
				t.Errorf("register: %d %v", status, out)
			}
			// The admin revokes the phone: the next contact says so.
			admin := &browser{t: t, base: f.srv.URL, client: noRedirect()}
			_, dashCSRF := admin.signIn("admin", testPassword)
			if _, page := admin.do("GET", "/dashboard/users", nil); !strings.Contains(page, `id="phone-revoke-wangwu"`) ||
				strings.Contains(page, `id="phone-revoke-staff"`) {
				t.Error("the users page offers no 注销手机登录 for wangwu alone")
			}
			if status, _ := admin.do("POST", "/dashboard/users/wangwu/phone-revoke", url.Values{"csrf": {dashCSRF}}); status != 303 {
				t.Fatalf("revoke: %d", status)
			}
			for range 2 { // every contact, not only the first
				if status, out, _ := p.call("GET", "/m/api/me", nil); status != 401 || out["code"] != center.ESESSIONREVOKED {
					t.Errorf("a revoked session: %d %v", status, out)
				}
			}
			// Signed in again, then disabled: revoked too. Signed out: just unauthorized.
			p.login("wangwu")
			if err := f.st.DisableUser(t.Context(), "wangwu", time.Now()); err != nil {
				t.Fatal(err)
			}
			if status, out, _ := p.call("GET", "/m/api/records", nil); status != 401 || out["code"] != center.ESESSIONREVOKED {
				t.Errorf("a disabled user's session: %d %v", status, out)
			}
			q := f.phone(t)
			q.login("lisi")
			if status, _, _ := q.call("POST", "/m/api/logout", struct{}{}); status != 200 {
				t.Errorf("sign-out: %d", status)
			}
			if status, out, _ := q.call("GET", "/m/api/me", nil); status != 401 || out["code"] != app.EUNAUTHORIZED {
				t.Errorf("after sign-out: %d %v", status, out)
			}
		})
	}
}

func noRedirect() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestPhoneGridScope: a 网格员 registers and sees only their grid's disputes, a 网格长 their big
// grid's; a repeated key is stored once.
func TestPhoneGridScope(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newPhoneFixture(t, be.DSN(t))
			wang, li, zhao := f.phone(t), f.phone(t), f.phone(t)
			wang.login("wangwu")
			li.login("lisi")
			zhao.login("zhaoliu")
			d := dispute(f.small1, "张三丰")
			for range 3 {
				if status, out, _ := wang.call("POST", "/m/api/disputes", d); status != 200 {
					t.Fatalf("register: %d %v", status, out)
				}
			}
			if n := f.gridCases(t); n != 1 {
				t.Errorf("one key sent three times: %d cases", n)
			}
			if status, _, _ := li.call("POST", "/m/api/disputes", dispute(f.small1, "李四")); status != 403 {
				t.Errorf("lisi registers in wangwu's grid: %d", status)
			}
			if status, out, _ := li.call("POST", "/m/api/disputes", dispute(f.small3, "李四光")); status != 200 {
				t.Errorf("lisi registers in his grid: %d %v", status, out)
			}
			if status, out, _ := zhao.call("POST", "/m/api/disputes", dispute(f.small2, "赵六")); status != 200 {
				t.Errorf("the 网格长 registers in a small grid of his big grid: %d %v", status, out)
			}
			bad := dispute(f.small1, "张三丰")
			bad.Key = "not-a-uuid"
			if status, _, _ := wang.call("POST", "/m/api/disputes", bad); status != 400 {
				t.Errorf("a key that is no UUID: %d", status)
			}
			records := func(p *phoneClient) []string {
				_, out, _ := p.call("GET", "/m/api/records", nil)
				var names []string
				for _, r := range out["records"].([]any) {
					names = append(names, r.(map[string]any)["masked_name"].(string)+"@"+r.(map[string]any)["grid"].(string))
				}
				return names
			}
			if got := strings.Join(records(wang), " "); got != "张*丰@一网格1" {
				t.Errorf("wangwu sees %q", got)
			}
			if got := strings.Join(records(li), " "); got != "李*光@二网格1" {
				t.Errorf("lisi sees %q", got)
			}
			if got := strings.Join(records(zhao), " "); got != "赵*@一网格2 张*丰@一网格1" {
				t.Errorf("zhaoliu sees %q", got)
			}
		})
	}
}

// TestPhoneFollowUpTask assigns a case's 回访 from the dashboard's case page to wangwu, who records
// it on the phone; it becomes a follow-up on the case like the dashboard's own.
func TestPhoneFollowUpTask(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newPhoneFixture(t, be.DSN(t))
			wang, li := f.phone(t), f.phone(t)
			wang.login("wangwu")
			li.login("lisi")
			_, out, _ := wang.call("POST", "/m/api/disputes", dispute(f.small1, "张三丰"))
			code := out["code"].(string)
			staff := &browser{t: t, base: f.srv.URL, client: noRedirect()}
			_, csrf := staff.signIn("staff", testPassword)
			status, page := raw(t, staff, "GET", "/dashboard/cases/"+code, nil)
			if status != 200 || !strings.Contains(page, `id="gridtasks"`) || !strings.Contains(page, `<option value="wangwu">`) {
				t.Fatalf("the case page lacks the 回访 assignment: %d", status)
			}
			if status, _ := raw(t, staff, "POST", "/dashboard/cases/"+code+"/gridtask", url.Values{"csrf": {csrf}, "worker": {"nobody"}}); status != 400 {
				t.Errorf("assigning to a stranger: %d", status)
			}
			if status, _ := raw(t, staff, "POST", "/dashboard/cases/"+code+"/gridtask", url.Values{"csrf": {csrf}, "worker": {"wangwu"},
				"due_on": {time.Now().Format(time.DateOnly)}}); status != 303 {
				t.Fatalf("assign: %d", status)
			}
			_, out, _ = wang.call("GET", "/m/api/tasks", nil)
			tasks := out["tasks"].([]any)
			if len(tasks) != 1 || tasks[0].(map[string]any)["code"] != code {
				t.Fatalf("wangwu's tasks: %v", tasks)
			}
			id := strconv.Itoa(int(tasks[0].(map[string]any)["id"].(float64)))
			answer := map[string]string{"key": newUUID(), "outcome": "满意", "note": "双方已和好"}
			if status, _, _ := li.call("POST", "/m/api/tasks/"+id, answer); status != 404 {
				t.Errorf("lisi records wangwu's task: %d", status)
			}
			for i, want := range []bool{true, false} {
				if status, out, _ := wang.call("POST", "/m/api/tasks/"+id, answer); status != 200 || out["created"] != want {
					t.Errorf("record #%d: %d %v", i+1, status, out)
				}
			}
			c, err := f.st.Case(t.Context(), code)
			if err != nil {
				t.Fatal(err)
			}
			follows := 0
			for _, e := range c.History {
				if e.Kind == app.EntryFollowUp && e.Note == "回访结果：满意；双方已和好" && e.By == "wangwu" {
					follows++
				}
			}
			if follows != 1 {
				t.Errorf("the case has %d follow-ups from the phone, want 1: %v", follows, c.History)
			}
			if _, page := raw(t, staff, "GET", "/dashboard/cases/"+code, nil); !strings.Contains(page, "已回访：满意") {
				t.Errorf("the case page does not show the task done")
			}
		})
	}
}
