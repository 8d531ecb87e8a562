package center_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/demo"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// escalate pushes the village's case.escalated event for a case, as its hall does on 上报.
func escalate(t *testing.T, st *sqlstore.Store, site center.Site, code string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := st.Case(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	snap := c.Case
	snap.History = []app.CaseEntry{{At: at, Kind: app.EntryEscalated, Status: snap.Status, By: string(app.OwnerHall), Note: "需镇级调处"}}
	snap.UpdatedAt = at
	body, _ := json.Marshal(app.Event{At: at, Kind: app.EventEscalated, Case: &snap})
	sites, _ := st.Sites(ctx)
	var next int64
	for _, s := range sites {
		if s.ID == site.ID {
			next = s.AppliedThrough + 1
		}
	}
	if _, err := st.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: []wire.Event{{ID: next, At: at,
		Kind: app.EventEscalated, Body: body}}}); err != nil {
		t.Fatal(err)
	}
}

// TestCaseWorkInBrowser works a village's escalated case at the centre by clicking through the
// dashboard in headless Chromium: the inbox, accept, assign, a mediation session, close, a 回访.
// After each step it reads the tracking page and the changes log that the village's hall pulls.
// Then it accepts another village's case and hands it over (交办) to the town hall.
func TestCaseWorkInBrowser(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st, sum := demoTown(t, now)
	// A village's case at 受理 is escalated; so is another village's open case, left in the inbox.
	var code, other string
	var village, otherVillage center.Site
	byID := map[int64]center.Site{}
	for _, s := range sum.Sites {
		byID[s.ID] = s
	}
	for _, c := range sum.Codes {
		cs, err := st.Case(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		site, _ := st.CaseSite(ctx, c)
		if site == sum.Sites[0].ID || cs.Status.Final() {
			continue
		}
		if cs.Status == app.CaseAccepted && code == "" {
			code, village = c, byID[site]
		} else if other == "" || otherVillage.ID == village.ID {
			other, otherVillage = c, byID[site]
		}
	}
	if code == "" || other == "" {
		t.Fatal("the demo town has no village case at 受理 and another open one")
	}
	escalate(t, st, village, code, now.Add(-26*time.Hour))
	escalate(t, st, otherVillage, other, now.Add(-3*time.Hour))
	villageToken, hash := center.NewToken()
	if err := st.RotateSiteToken(ctx, village.ID, hash, now); err != nil {
		t.Fatal(err)
	}
	srv, proxy := signedInProxy(t, st, "zhangzhen", center.RoleStaff, center.WithCentre("枫桥镇综治中心", "0575-87010000"),
		center.WithTownSite(demo.Sites[0].Name))
	dir := screenshotDir(t)

	tb := newTab(t, 1280, 1000, 3*time.Minute)
	bctx, run, text := tb.ctx, tb.run, tb.text
	shot := func(name string) { t.Helper(); tb.shot(dir, name) }
	trackPage := func(code string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + "/t/" + code)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(page)
	}
	track := func(want ...string) {
		t.Helper()
		page := trackPage(code)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("the tracking page lacks %q", w)
			}
		}
	}
	pulled := 0
	changes := func(want ...string) []wire.Change {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/sync/changes?after="+strconv.Itoa(pulled), nil)
		req.Header.Set("Authorization", "Bearer "+villageToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var reply wire.ChangesReply
		if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range reply.Changes {
			kinds = append(kinds, c.Kind)
			pulled = int(c.Seq)
			if c.Code != code {
				t.Errorf("change %d is of case %s, want %s", c.Seq, c.Code, code)
			}
		}
		if strings.Join(kinds, ",") != strings.Join(want, ",") {
			t.Errorf("the village pulls %v, want %v", kinds, want)
		}
		return reply.Changes
	}
	// act opens the case page afresh, fills a form, presses its button (id = the action) and waits
	// for the page after the redirect, which alone shows #flash.
	act := func(button string, fill ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(proxy.URL + "/dashboard/cases/" + code),
			chromedp.WaitVisible(chromedp.CSS("#" + button))}
		steps = append(append(steps, fill...), chromedp.Click(chromedp.CSS("#"+button)), chromedp.WaitVisible(chromedp.CSS("#flash")))
		run(button, steps...)
	}
	ledger := func(registered, resolved, rate string) {
		t.Helper()
		run("dashboard", chromedp.Navigate(proxy.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#registered")))
		if got := text("#registered") + " " + text("#resolved") + " " + text("#rate"); got != registered+" "+resolved+" "+rate {
			t.Errorf("dashboard reads %s, want %s %s %s", got, registered, resolved, rate)
		}
	}

	// Before: the tracking page names the town as the case's owner already (escalated).
	ledger("324", "299", "92.28%")
	track("枫桥镇综治中心", "0575-87010000")

	// The inbox: two escalations, with their ages and origins.
	run("inbox", chromedp.Navigate(proxy.URL+"/dashboard/escalations"), chromedp.WaitVisible(chromedp.CSS("#inbox")))
	if n := text("#inbox"); n != "2" {
		t.Errorf("上报待受理 reads %s, want 2", n)
	}
	page := text("main")
	for _, w := range []string{village.Name, otherVillage.Name, "1天2小时", "3小时", "按上报站点", "按当前办理方"} {
		if !strings.Contains(page, w) {
			t.Errorf("the inbox lacks %q", w)
		}
	}
	shot("centre-escalations.png")

	// Accept.
	run("open the case", chromedp.Click(chromedp.CSS(`a[href="/dashboard/cases/`+code+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#accept")))
	shot("centre-case-escalated.png")
	run("accept", chromedp.Click(chromedp.CSS("#accept")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	changes(wire.ChangeEscalationAccepted)
	ledger("324", "299", "92.28%")

	// Assign: 人民调解 by the 司法所.
	act("assign", chromedp.SetValue(chromedp.CSS("#level"), "人民调解"), chromedp.SetValue(chromedp.CSS("#org"), "司法所"))
	if got := text("#unit"); got != "司法所" {
		t.Errorf("unit = %q", got)
	}
	if ch := changes(wire.ChangeStatus); len(ch) == 1 && (ch[0].Change.Status != app.CaseAssigned || ch[0].Change.Unit != "司法所") {
		t.Errorf("assign change = %+v", ch[0].Change)
	}
	track("分流", "司法所")

	// A mediation session.
	act("session", chromedp.SendKeys(chromedp.CSS("#mediator"), "王调解"), chromedp.SendKeys(chromedp.CSS("#parties"), "双方到场"),
		chromedp.SetValue(chromedp.CSS("#outcome"), "达成协议"))
	if ch := changes(wire.ChangeStatus, wire.ChangeSession); len(ch) == 2 && (ch[1].Session == nil || ch[1].Session.Mediator != "王调解") {
		t.Errorf("session change = %+v", ch[1])
	}
	track("处置", "正在组织调解")
	shot("centre-case.png")

	// Close, resolved: the town's figures count it once, under its village.
	act("close", chromedp.SetValue(chromedp.CSS("#result"), "resolved"))
	if ch := changes(wire.ChangeStatus); len(ch) == 1 && ch[0].Change.Result != app.ResultResolved {
		t.Errorf("close change = %+v", ch[0].Change)
	}
	track("结案", "已化解")
	ledger("324", "300", "92.59%")

	// 回访.
	act("followup", chromedp.SendKeys(chromedp.CSS("#fu-note"), "当事人表示满意"))
	if ch := changes(wire.ChangeFollowUp); len(ch) == 1 && !strings.Contains(ch[0].Note, "满意") {
		t.Errorf("follow-up = %+v", ch[0])
	}
	if page := text("main"); !strings.Contains(page, "王调解") || !strings.Contains(page, "当事人表示满意") {
		t.Errorf("the case page lacks the session or the follow-up")
	}
	shot("centre-case-closed.png")

	// The case list, filtered to the escalated cases.
	run("case list", chromedp.Navigate(proxy.URL+"/dashboard/cases"), chromedp.WaitVisible(chromedp.CSS("#filter")),
		chromedp.SetValue(chromedp.CSS(`select[name="escalated"]`), "yes"), chromedp.Click(chromedp.CSS("#filter")),
		// the filtered page is the one whose option the server marked selected
		chromedp.WaitReady(chromedp.CSS(`select[name="escalated"] option[value="yes"][selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/dashboard/cases/`+other+`"]`)))
	if page := text("main"); !strings.Contains(page, code) || !strings.Contains(page, "（2 件）") {
		t.Errorf("the escalated filter does not list both cases")
	}
	shot("centre-cases.png")
	run("inbox after", chromedp.Navigate(proxy.URL+"/dashboard/escalations"), chromedp.WaitVisible(chromedp.CSS("#inbox")))
	if n := text("#inbox"); n != "1" {
		t.Errorf("上报待受理 reads %s after acceptance, want 1", n)
	}
	if n := text("#inbox-count"); n != "1" {
		t.Errorf("the nav's 上报待受理 reads %s, want 1", n)
	}

	// The other village's case: accepted, then handed over (交办) to the town hall, which works
	// it now; the tracking page names the town hall and its phone, not the village's.
	town := demo.Sites[0]
	run("open the other case", chromedp.Click(chromedp.CSS(`a[href="/dashboard/cases/`+other+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#accept")), chromedp.Click(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS("#flash")), chromedp.WaitVisible(chromedp.CSS("#handover")))
	if n := text("#inbox-count"); n != "0" {
		t.Errorf("the nav's 上报待受理 reads %s after both acceptances, want 0", n)
	}
	// The page before had a #flash too: the handover's page is the one without the button.
	run("handover", chromedp.Click(chromedp.CSS("#handover")), chromedp.WaitNotPresent(chromedp.CSS("#handover")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got, want := text("#owner"), town.Name+" · "+town.Phone; got != want {
		t.Errorf("the case page's 当前办理 reads %q, want %q", got, want)
	}
	if page := text("main"); !strings.Contains(page, "已交镇大厅办理") || !strings.Contains(page, "交办") {
		t.Errorf("the case page does not show the handover")
	}
	if html, err := chromedp.Run(bctx, chromedp.InnerHTML(chromedp.CSS("main"))); err != nil || strings.Contains(html, `id="assign"`) {
		t.Errorf("the case page still offers 分流 after the handover (%v)", err)
	}
	shot("centre-case-handed.png")
	page = trackPage(other)
	if !strings.Contains(page, `<dd id="owner">`+town.Name+`</dd>`) || !strings.Contains(page, town.Phone) ||
		strings.Contains(page, otherVillage.Phone) {
		t.Errorf("the tracking page of the handed case does not name %s and %s only", town.Name, town.Phone)
	}
	run("tracking", chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/t/"+code), chromedp.WaitVisible(chromedp.CSS("#owner")))
	shot("centre-tracking-escalated.png")
}

// signedInProxy serves st and returns the server and a proxy in front of it that adds the cookie
// of a real session of a new user of the role (every site) to each request: Chromium has no flag to
// set a cookie, and the server checks the session as for anyone.
func signedInProxy(t *testing.T, st *sqlstore.Store, user string, role center.Role, opts ...center.Option) (srv, proxy *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	_, th := center.NewToken()
	if err := st.AddUser(ctx, user, th, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserAccess(ctx, user, role, 0); err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(center.NewServer(st, nil, opts...))
	t.Cleanup(srv.Close)
	token, err := center.NewSession(ctx, st, user, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(&http.Cookie{Name: "fq_session", Value: token})
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	return srv, proxy
}

// demoTown returns a SQLite centre holding the demo town (center/demo) as of now.
func demoTown(t *testing.T, now time.Time) (*sqlstore.Store, demo.Summary) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), centertest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sum, err := demo.Build(context.Background(), st, now, 1)
	if err != nil {
		t.Fatal(err)
	}
	return st, sum
}
