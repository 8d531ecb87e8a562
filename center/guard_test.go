package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/wire"
)

// TestForeignEventsRefused: site B's token attaches a ticket to site A's case and sends a name
// past the limits; both are stored as refused, nothing is projected, the hall's mark moves on,
// and leaders see the banner.
func TestForeignEventsRefused(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			ctx := context.Background()
			before, _ := f.st.Stats(ctx, f.siteB.ID)
			at := time.Now().UTC()
			ticket := func(id int64, code string) json.RawMessage {
				b, _ := json.Marshal(app.Event{Kind: app.EventIssued, Ticket: &app.Ticket{ID: 900 + id, Day: "2025-01-02",
					Label: "Z9" + string(rune('0'+id)), Service: "legal", Status: app.TicketWaiting, CaseCode: code, IssuedAt: at}})
				return b
			}
			long, _ := json.Marshal(app.Visitor{IDNumber: centertest.IDNumber(9), Name: strings.Repeat("名", 20000), Phone: "13912345678"})
			bell, _ := json.Marshal(app.Visitor{IDNumber: centertest.IDNumber(9), Name: "王\n\a五"})
			phone, _ := json.Marshal(app.Visitor{IDNumber: centertest.IDNumber(9), Name: "王五", Phone: strings.Repeat("1", 60000)})
			n := before.AppliedThrough
			evs := []wire.Event{
				{ID: n + 1, At: at, Kind: app.EventIssued, Body: ticket(1, f.codeA)},
				{ID: n + 2, At: at, Kind: app.EventIssued, Body: ticket(2, ""), Private: long},
				{ID: n + 3, At: at, Kind: app.EventIssued, Body: ticket(3, ""), Private: bell},
				{ID: n + 4, At: at, Kind: app.EventIssued, Body: ticket(4, ""), Private: phone},
			}
			pushAsSiteB(t, f, evs)
			after, _ := f.st.Stats(ctx, f.siteB.ID)
			if after.Refused-before.Refused != 4 || after.Tickets != before.Tickets {
				t.Errorf("refused %d, tickets %d → %d; want 4 refused, no ticket", after.Refused-before.Refused, before.Tickets, after.Tickets)
			}
			c, err := f.st.Case(ctx, f.codeA)
			if err != nil || len(c.Tickets) != 1 {
				t.Errorf("site A's case tickets = %v, %v", c.Tickets, err)
			}
			count, list, err := f.st.RefusedEvents(ctx, 10)
			if err != nil || count != 4 || !strings.Contains(list[0].Reason+list[1].Reason+list[2].Reason+list[3].Reason, "another site") {
				t.Errorf("refused events %d %v %v", count, list, err)
			}
			_, page, _ := f.call(t, f.principals[8], "GET", "/dashboard", "")
			if !strings.Contains(page, `id="refused-banner">4 条`) {
				t.Errorf("leader's dashboard lacks the banner")
			}
			if _, page, _ := f.call(t, f.principals[7], "GET", "/dashboard", ""); strings.Contains(page, "refused-banner") {
				t.Errorf("staff see the banner")
			}
		})
	}
}

// TestForeignRatingRefused: site B's token rates a ticket of site A's case. The rating is stored
// as refused, not counted in site A's or anyone's ratings, while B's ratings of its own case and
// of a ticket without a case are applied.
func TestForeignRatingRefused(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			ctx := context.Background()
			before, _ := f.st.Stats(ctx, f.siteB.ID)
			at := time.Now().UTC()
			rating := func(id int64, code string) json.RawMessage {
				b, _ := json.Marshal(struct {
					app.Event
					Rating app.Rating `json:"rating"`
				}{app.Event{Kind: app.EventRated}, app.Rating{ID: 700 + id, Ticket: 900 + id,
					Label: "Z9" + string(rune('0'+id)), Window: 1, Score: app.VeryDissatisfied, CaseCode: code, At: at}})
				return b
			}
			n := before.AppliedThrough
			evs := []wire.Event{
				{ID: n + 1, At: at, Kind: app.EventRated, Body: rating(1, f.codeA)},
				{ID: n + 2, At: at, Kind: app.EventRated, Body: rating(2, f.codeB)},
				{ID: n + 3, At: at, Kind: app.EventRated, Body: rating(3, "")},
			}
			pushAsSiteB(t, f, evs)
			ratings, err := f.st.Ratings(ctx, center.Scope{}, at.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range ratings {
				if r.CaseCode == f.codeA {
					t.Errorf("site B's rating of site A's case was stored: %+v", r)
				}
				got = append(got, r.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, []int64{702, 703}) {
				t.Errorf("ratings %v; want B's own 702 and 703", got)
			}
			count, list, err := f.st.RefusedEvents(ctx, 10)
			if err != nil || count != 1 || list[0].Site != f.siteB.ID || list[0].EventID != n+1 ||
				list[0].Kind != app.EventRated || !strings.Contains(list[0].Reason, "another site") {
				t.Errorf("refused events %d %+v %v; want event %d of site B, naming another site", count, list, err, n+1)
			}
		})
	}
}

// pushAsSiteB pushes the events with site B's token and fails unless the centre takes them all.
func pushAsSiteB(t *testing.T, f *authFixture, evs []wire.Event) {
	t.Helper()
	body, _ := json.Marshal(wire.PushRequest{Events: evs})
	status, raw, _ := f.call(t, f.principals[3], "POST", "/api/v1/sync/events", string(body))
	var reply wire.PushReply
	if status != 200 || json.Unmarshal([]byte(raw), &reply) != nil || reply.AppliedThrough != evs[len(evs)-1].ID {
		t.Fatalf("push: %d %s", status, raw)
	}
}

func TestLockoutAcrossAddresses(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newWebFixture(t, be.DSN(t), center.WithTrustedProxy(true))
			try := func(user, password, addr string) (int, string) {
				b := f.browser(t)
				_, page := b.do("GET", "/login", nil)
				form := url.Values{"csrf": {csrfOf(t, page)}, "username": {user}, "password": {password}}
				req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", addr)
				u, _ := url.Parse(f.srv.URL + "/login")
				for _, c := range b.client.Jar.Cookies(u) {
					req.AddCookie(c)
				}
				resp, err := b.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var buf bytes.Buffer
				buf.ReadFrom(resp.Body)
				return resp.StatusCode, buf.String()
			}
			for i := range 5 {
				for _, user := range []string{"staff", "ghost"} {
					if st, _ := try(user, "wrong password", "10.0.0."+string(rune('1'+i))); st != 401 {
						t.Fatalf("failure %d of %s: %d", i+1, user, st)
					}
				}
			}
			stKnown, known := try("staff", testPassword, "10.9.9.9")
			stGhost, ghost := try("ghost", testPassword, "10.9.9.8")
			if stKnown != 429 || stGhost != 429 || strings.ReplaceAll(known, csrfOf(t, known), "") != strings.ReplaceAll(ghost, csrfOf(t, ghost), "") {
				t.Errorf("locked: %d and %d, or the pages differ", stKnown, stGhost)
			}
			if st, _ := try("leader", testPassword, "10.9.9.7"); st != 303 {
				t.Errorf("another account: %d", st)
			}
		})
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	f := newAuthFixture(t, centertest.SQLite(t))
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/v1/nothing", 404}, {"DELETE", "/api/v1/cases/" + f.codeA, 405},
		{"GET", "/api/v1/cases/../sync/changes", 404}, {"GET", "/api/v1//sync/changes", 404},
	} {
		req, _ := http.NewRequest(tt.method, f.srv.URL+"/", nil)
		req.URL.Opaque = "//" + req.URL.Host + tt.path // keep the path as written
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e wire.ErrorReply
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tt.status || err != nil || e.Code == "" {
			t.Errorf("%s %s: %d %+v %v", tt.method, tt.path, resp.StatusCode, e, err)
		}
	}
	big := `{"note":"` + strings.Repeat("长", 2001) + `"}`
	if st, raw, _ := f.call(t, f.principals[7], "POST", "/api/v1/cases/"+f.codeA+"/followups", big); st != 400 {
		t.Errorf("long note: %d %s", st, raw)
	}
	huge := `{"note":"` + strings.Repeat("x", 20000) + `"}`
	if st, raw, _ := f.call(t, f.principals[7], "POST", "/api/v1/cases/"+f.codeA+"/followups", huge); st != 413 {
		t.Errorf("huge body: %d %s", st, raw)
	}
}

func TestLimits(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{{"欧阳丽华", true}, {"买买提·艾力", true}, {strings.Repeat("𠀀", 15), true}, {strings.Repeat("𠀀", 16), false},
		{strings.Repeat("a", 120), true}, {strings.Repeat("a", 121), false}, {"王\n五", false}, {"王\a五", false}, {"", false}} {
		if err := center.ValidName(tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidName(%.30q) = %v", tt.name, err)
		}
	}
	for _, tt := range []struct {
		phone string
		ok    bool
	}{{"13912345678", true}, {"0575-87011001", true}, {"057587011001", true}, {"010-12345678-123", true},
		{"12912345678", false}, {strings.Repeat("1", 60000), false}, {"139 1234 5678", false}} {
		if err := center.ValidPhone(tt.phone); (err == nil) != tt.ok {
			t.Errorf("ValidPhone(%.30q) = %v", tt.phone, err)
		}
	}
}

// TestRegionScopeOnEveryRoute: on every OwnSite route, a user scoped to town A (枫桥镇) meets
// site B's case and hall as if they did not exist, while the county's leader sees both; every
// AllSites route refuses both. Moving site B into town A shows it to town A's user.
func TestRegionScopeOnEveryRoute(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			town, county := f.principals[12], f.principals[13]
			if town.user.Name != "townA" || county.user.Name != "county" {
				t.Fatalf("principals %s, %s", town.user.Name, county.user.Name)
			}
			unknown := app.NewCaseCode()
			for _, rt := range center.NewServer(f.st, nil).Routes() {
				what := rt.Method + " " + rt.Path
				if rt.Rule.Reach == center.AllSites {
					for _, p := range []principal{town, county} {
						if st, _, hdr := f.call(t, p, rt.Method, fill(rt.Path, f.codeA), ""); st != 403 && st != 401 &&
							!(st == 303 && strings.HasSuffix(hdr.Get("Location"), "/login")) {
							t.Errorf("%s as %s: %d, want refused", what, p.name, st)
						}
					}
					continue
				}
				if rt.Rule.Reach != center.OwnSite || rt.Path == "/logout" {
					continue
				}
				switch {
				case rt.Rule.Auth == center.PhoneSession:
					// The phone app is for 网格员 and 网格长, scoped by their grids: a region's
					// dashboard users have no phone session, and their dashboard one does not open it.
					for _, p := range []principal{town, county} {
						if st, _, _ := f.call(t, p, rt.Method, fill(rt.Path, "1"), ""); st != 401 && st != 403 {
							t.Errorf("%s as %s: %d, want refused", what, p.name, st)
						}
					}
				case strings.Contains(rt.Path, "{code}"):
					// Site B's case answers as an unknown one; site A's does not.
					stB, bodyB := regionCall(t, f, town, rt.Method, fill(rt.Path, f.codeB), nil)
					stU, bodyU := regionCall(t, f, town, rt.Method, fill(rt.Path, unknown), nil)
					if stB != 404 || stB != stU || strings.HasPrefix(rt.Path, "/api/") && bodyB != bodyU {
						t.Errorf("%s as town A: site B's case %d, unknown %d", what, stB, stU)
					}
					if rt.Method == "GET" {
						if st, _ := regionCall(t, f, town, "GET", fill(rt.Path, f.codeA), nil); st != 200 {
							t.Errorf("%s as town A: own case %d", what, st)
						}
						if st, _ := regionCall(t, f, county, "GET", fill(rt.Path, f.codeB), nil); st != 200 {
							t.Errorf("%s as the county: site B's case %d", what, st)
						}
					}
				case rt.Method == "GET":
					_, townBody := regionCall(t, f, town, "GET", rt.Path, nil)
					_, countyBody := regionCall(t, f, county, "GET", rt.Path, nil)
					townText, countyText := visibleText(t, rt.Path, townBody), visibleText(t, rt.Path, countyBody)
					for _, secret := range []string{f.codeB, f.siteB.Name, "店口镇"} {
						if strings.Contains(townText, secret) {
							t.Errorf("%s as town A shows %s", what, secret)
						}
					}
					if rt.Path == "/dashboard/cases" && !(strings.Contains(countyText, f.codeA) && strings.Contains(countyText, f.codeB)) {
						t.Errorf("%s as the county lacks a case of its towns", what)
					}
				case rt.Path == "/dashboard/followups":
					if st, _ := regionCall(t, f, town, "POST", rt.Path, url.Values{"code": {f.codeB}, "result": {"满意"}}); st != 404 {
						t.Errorf("%s of site B's case as town A: %d", what, st)
					}
				case rt.Path == "/dashboard/cases/search":
					if _, body := regionCall(t, f, town, "POST", rt.Path, url.Values{"who": {visitorB.Name}}); strings.Contains(body, f.codeB) {
						t.Errorf("%s as town A finds site B's case", what)
					}
					if _, body := regionCall(t, f, county, "POST", rt.Path, url.Values{"who": {visitorB.Name}}); !strings.Contains(body, f.codeB) {
						t.Errorf("%s as the county misses site B's case", what)
					}
				default:
					t.Errorf("%s: no region scope check for this route", what)
				}
			}
			// A handover goes only to a hall of the user's scope: site B is unknown to town A.
			handover := "/api/v1/cases/" + f.codeA + "/handover"
			if st, raw, _ := f.call(t, town, "POST", handover, `{"site":"`+f.siteB.Name+`"}`); st != 400 || !strings.Contains(raw, "no site named") {
				t.Errorf("handover to site B as town A: %d %s", st, raw)
			}
			if _, raw, _ := f.call(t, county, "POST", handover, `{"site":"`+f.siteB.Name+`"}`); strings.Contains(raw, "no site named") {
				t.Errorf("handover to site B as the county: %s", raw)
			}
			// Site B moves into town A: its case shows; moved back, it is gone again.
			ctx := context.Background()
			for _, tt := range []struct {
				town string
				sees bool
			}{{"枫桥镇", true}, {"店口镇", false}} {
				if err := f.st.PlaceSite(ctx, f.siteB.ID, f.regions[tt.town].ID); err != nil {
					t.Fatal(err)
				}
				st, _ := regionCall(t, f, town, "GET", "/dashboard/cases/"+f.codeB, nil)
				_, list := regionCall(t, f, town, "GET", "/dashboard/cases", nil)
				if (st == 200) != tt.sees || strings.Contains(list, f.codeB) != tt.sees {
					t.Errorf("site B in %s: town A's case page %d, list shows it %v; want %v", tt.town, st, !tt.sees, tt.sees)
				}
			}
		})
	}
}

// regionCall makes one request as p with a fresh session (and its CSRF token on a form) or p's
// token on /api/ paths.
func regionCall(t *testing.T, f *authFixture, p principal, method, path string, form url.Values) (int, string) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		body := map[string]string{"changes": `{"status":"closed","result":"resolved"}`, "followups": `{"note":"越权"}`,
			"handover": `{"site":"栎桥村"}`}[path[strings.LastIndex(path, "/")+1:]]
		st, raw, _ := f.call(t, p, method, path, body)
		return st, raw
	}
	cookie := f.newSession(t, p.user.Name)
	ses, _, err := f.st.Session(context.Background(), center.HashToken(cookie), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", ses.CSRF)
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "fq_session", Value: cookie})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// visibleText returns what a response shows: a page as it is, every cell of a workbook.
func visibleText(t *testing.T, path, body string) string {
	t.Helper()
	if !strings.HasSuffix(path, ".xlsx") {
		return body
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer x.Close()
	var b strings.Builder
	for _, sheet := range x.GetSheetList() {
		rows, _ := x.GetRows(sheet)
		fmt.Fprint(&b, rows)
	}
	return b.String()
}

// TestGridRoutesByRole checks every role against the grids and early warning routes: the
// warning page for staff, leaders and admins (a scoped user within their site), the grids page
// and its forms for admins only; 网格员 and 网格长 use the phone app, never these pages.
func TestGridRoutesByRole(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			f := newAuthFixture(t, be.DSN(t))
			want := map[string][2]bool{ // name: warning page, grids pages
				"readonly": {false, false}, "staff of site A": {true, false}, "staff of site B": {true, false},
				"staff": {true, false}, "leader": {true, false}, "admin": {true, true}, "网格员": {false, false}, "网格长": {false, false},
			}
			for _, p := range f.principals {
				w, ok := want[p.name]
				if !ok {
					continue
				}
				for _, rt := range []struct {
					method, path string
					allowed      bool
				}{
					{"GET", "/dashboard/warning", w[0]}, {"GET", "/dashboard/grids", w[1]}, {"POST", "/dashboard/grids", w[1]},
					{"POST", "/dashboard/grids/1/members", w[1]}, {"POST", "/dashboard/grids/1/members/nobody/remove", w[1]},
				} {
					status, _, _ := f.call(t, p, rt.method, rt.path, "")
					if (status != http.StatusForbidden) != rt.allowed {
						t.Errorf("%s %s as %s: %d, allowed %v", rt.method, rt.path, p.name, status, rt.allowed)
					}
				}
			}
		})
	}
}
