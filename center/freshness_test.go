package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/wire"
)

func TestOpenTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	office := app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []app.Period{{Start: 510, End: 720}, {Start: 810, End: 1050}}}
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, loc) } // 2 Nov 2026 is a Monday
	tests := []struct {
		name     string
		hours    app.Hours
		from, to time.Time
		want     time.Duration
	}{
		{"always open", app.AlwaysOpen, at(2, 7, 0), at(2, 9, 0), 2 * time.Hour},
		{"before opening", office, at(2, 7, 0), at(2, 8, 30), 0},
		{"into the morning", office, at(2, 7, 0), at(2, 9, 45), 75 * time.Minute},
		{"over lunch", office, at(2, 11, 30), at(2, 14, 0), time.Hour},
		{"overnight", office, at(2, 17, 0), at(3, 9, 0), time.Hour},
		{"the weekend", office, at(6, 17, 30), at(9, 8, 30), 0},
		{"a whole working day", office, at(2, 0, 0), at(3, 0, 0), 7*time.Hour + 30*time.Minute},
		{"backwards", office, at(3, 0, 0), at(2, 0, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := center.OpenTime(tt.hours, loc, tt.from, tt.to); got != tt.want {
				t.Errorf("OpenTime = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLedgerCountsOnlyDisputes is the example: 3 法律咨询, 1 12345热线, 2 of a hall's own
// service and 2 mediations count as 2 disputes, and the rest under their own names.
func TestLedgerCountsOnlyDisputes(t *testing.T) {
	own := app.Service{Code: "village-talk", Name: "村民说事", HandleDays: 10}
	petition := app.DefaultServices()[0]
	petition.DisputeCategories = []string{"土地征收"}
	cat := center.Catalogue{Sites: map[int64]string{1: "枫源村", 2: "栎桥村"}, Services: app.DefaultServices(),
		SiteServices: map[int64][]app.Service{1: {own, petition}}}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	var rows []center.LedgerRow
	add := func(site int64, service, category string, n int) {
		for range n {
			rows = append(rows, center.LedgerRow{Code: fmt.Sprint(len(rows)), Site: site, Service: service, Category: category,
				Status: app.CaseClosed, Result: app.ResultResolved, OpenedAt: now.AddDate(0, 0, -5)})
		}
	}
	add(1, "legal", "借贷纠纷", 3)
	add(1, "hotline", "市政设施", 1)
	add(1, "village-talk", "村务建议", 2)
	add(1, "mediation", "邻里纠纷", 2)
	add(1, "petition", "土地征收", 1) // a category marked as a dispute
	add(1, "petition", "社会保障", 1) // one that is not
	add(2, "nobody-knows", "", 1)
	l := center.BuildLedger(rows, cat, now)
	if l.Total.Registered != 3 || l.Total.Resolved != 3 {
		t.Errorf("ledger counts %d/%d, want 3/3 (2 mediations and 1 petition about 土地征收)", l.Total.Resolved, l.Total.Registered)
	}
	if len(l.BySite) != 2 || l.BySite[1].Label != "栎桥村" || l.BySite[1].Registered != 0 {
		t.Errorf("a site without disputes must keep its row: %+v", l.BySite)
	}
	got := map[string]int{}
	for _, o := range l.Others {
		got[o.Label] = o.Registered
	}
	want := map[string]int{"法律咨询": 3, "12345热线": 1, "村民说事": 2, "信访接待": 1, center.UnknownService: 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("other services %v, want %v", got, want)
	}
}

// TestFreshness pushes and pulls as a hall through the API and checks what the dashboard and
// the tracking page show: last contacts, backlog, the banner for a silent site, the hall's hours.
func TestFreshness(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newWebFixture(t, be.DSN(t))
			token, hash := center.NewToken()
			silent, err := f.st.AddSite(ctx, "东溪村便民服务中心", hash)
			if err != nil {
				t.Fatal(err)
			}
			b := f.browser(t)
			if status, _ := b.signIn("leader", testPassword); status != http.StatusSeeOther {
				t.Fatalf("sign in: %d", status)
			}
			_, page := b.do("GET", "/dashboard", nil)
			for _, want := range []string{`id="contact-banner"`, "东溪村便民服务中心（从未同步）", `id="freshness"`, "最早：东溪村便民服务中心"} {
				if !strings.Contains(page, want) {
					t.Errorf("dashboard of a silent site lacks %q", want)
				}
			}

			hall := func(method, path string, body any) int {
				raw, _ := json.Marshal(body)
				req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(raw))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			own := app.Service{Code: "village-talk", Name: "村民说事", Prefix: "E"}
			cat := wire.NewCatalogue(app.Info{Name: "东溪村", Phone: "0575-87011011", TimeZone: "Asia/Shanghai",
				Services: append(app.DefaultServices(), own)},
				app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []app.Period{{Start: 510, End: 1050}}})
			if s := hall("POST", "/api/v1/sync/events", wire.PushRequest{Events: []wire.Event{}, Backlog: 7, Catalogue: &cat}); s != 200 {
				t.Fatalf("push of the catalogue: %d", s)
			}
			bad := cat
			bad.Name = strings.Repeat("村", 500)
			if s := hall("POST", "/api/v1/sync/events", wire.PushRequest{Events: []wire.Event{}, Catalogue: &bad}); s != 400 {
				t.Errorf("push of a catalogue with a 500-character name: %d, want 400", s)
			}
			if s := hall("GET", "/api/v1/sync/changes?after=0", nil); s != 200 {
				t.Fatalf("pull: %d", s)
			}
			sites, err := f.st.Sites(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := sites[len(sites)-1]
			if got.ID != silent.ID || got.Backlog != 7 || got.LastPushAt == nil || got.LastPullAt == nil ||
				got.Catalogue == nil || got.Catalogue.Services[4].Name != "村民说事" || got.Catalogue.Hours != "周一至周五 08:30-17:30" {
				t.Errorf("site after contact: %+v", got)
			}
			_, page = b.do("GET", "/dashboard", nil)
			if strings.Contains(page, `id="contact-banner"`) {
				t.Error("the banner stays after the site made contact")
			}
			if !strings.Contains(page, `<td class="num">7</td><td>周一至周五 08:30-17:30</td>`) {
				t.Error("the dashboard does not show the backlog and hours the hall reported")
			}

			// The tracking page shows the hall's own hours; the phone set at the centre wins.
			if err := f.st.RecordContact(ctx, f.siteA.ID, center.Contact{At: time.Now(), Catalogue: &cat}); err != nil {
				t.Fatal(err)
			}
			_, track := b.do("GET", "/t/"+f.codeA, nil)
			if !strings.Contains(track, "办公时间：周一至周五 08:30-17:30") || !strings.Contains(track, "0575-87011001") ||
				strings.Contains(track, "工作日办公时间") {
				t.Errorf("tracking page does not show the hall's hours and phone")
			}
		})
	}
}

// TestRatingFollowUps records the follow-up of bad ratings, of a closed case and without a case,
// and checks that they leave the 差评待回访 list, and that a village user reaches only its own.
func TestRatingFollowUps(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newWebFixture(t, be.DSN(t))
			at := time.Now().Add(-time.Hour)
			var events []wire.Event
			for i, code := range []string{f.codeA, ""} {
				r := app.Rating{ID: int64(i + 1), Label: "D00" + fmt.Sprint(i+1), Window: 2, Score: app.Dissatisfied, Flagged: true,
					CaseCode: code, At: at, Staff: "陈晓燕"}
				body, _ := json.Marshal(struct {
					app.Event
					Rating *app.Rating `json:"rating"`
				}{app.Event{At: at, Kind: app.EventRated}, &r})
				events = append(events, wire.Event{At: at, Kind: app.EventRated, Body: body})
			}
			site, _ := f.st.Site(ctx, f.siteA.ID)
			for i := range events {
				events[i].ID = site.AppliedThrough + int64(i) + 1
			}
			if _, err := f.st.ApplyBatch(ctx, f.siteA.ID, wire.PushRequest{Events: events}); err != nil {
				t.Fatal(err)
			}
			staff, village := f.browser(t), f.browser(t)
			_, csrf := staff.signIn("staff", testPassword)
			_, vcsrf := village.signIn("village", testPassword)
			_, page := staff.do("GET", "/dashboard/followups", nil)
			if n := strings.Count(page, `name="rating"`); n != 2 {
				t.Fatalf("差评待回访 offers %d forms, want 2", n)
			}
			if s, _ := village.do("POST", "/dashboard/followups", url.Values{"csrf": {vcsrf}, "rating": {fmt.Sprintf("%d-1", f.siteB.ID)},
				"result": {"满意"}}); s != http.StatusNotFound {
				t.Errorf("another site's rating: status %d, want 404", s)
			}
			for _, ref := range []string{"1", "2"} {
				if s, _ := staff.do("POST", "/dashboard/followups", url.Values{"csrf": {csrf}, "rating": {fmt.Sprintf("%d-%s", f.siteA.ID, ref)},
					"result": {"基本满意"}, "note": {"已电话回访"}}); s != http.StatusSeeOther {
					t.Errorf("follow-up of rating %s: status %d", ref, s)
				}
			}
			_, page = staff.do("GET", "/dashboard/followups", nil)
			if strings.Contains(page, `name="rating"`) {
				t.Error("followed-up ratings are still listed")
			}
			c, err := f.st.Case(ctx, f.codeA)
			if err != nil {
				t.Fatal(err)
			}
			if last := c.History[len(c.History)-1]; last.Kind != app.EntryFollowUp || !strings.Contains(last.Note, "基本满意") {
				t.Errorf("the rating's case has no follow-up: %+v", last)
			}
			_, hall := staff.do("GET", "/dashboard/hall", nil)
			for _, want := range []string{"满意度（按窗口）", "枫源村 2号窗口", "枫源村 陈晓燕", "0.0%"} {
				if !strings.Contains(hall, want) {
					t.Errorf("hall page lacks %q", want)
				}
			}
		})
	}
}

// TestSiteFreshness: a hall quiet over its closed hours is not out of contact; one quiet for more
// than the limit of its opening hours is, and so is one never heard from.
func TestSiteFreshness(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cat := wire.NewCatalogue(app.Info{Name: "枫源村", TimeZone: "Asia/Shanghai"},
		app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []app.Period{{Start: 510, End: 1050}}})
	friday := time.Date(2026, 11, 6, 17, 30, 0, 0, loc)
	sites := []center.Site{{ID: 1, Name: "枫源村", LastPullAt: &friday, Catalogue: &cat}, {ID: 2, Name: "栎桥村"}}
	tests := []struct {
		now      time.Time
		lost     bool
		silent   time.Duration
		sinceTxt string
	}{
		{time.Date(2026, 11, 9, 8, 45, 0, 0, loc), false, 15 * time.Minute, "2天"},
		{time.Date(2026, 11, 9, 9, 31, 0, 0, loc), true, 61 * time.Minute, "2天"},
		{friday.Add(30 * time.Minute), false, 0, "30分钟"},
	}
	for _, tt := range tests {
		fs := center.SiteFreshness(sites, tt.now, center.DefaultContactLimit)
		if fs[0].Lost != tt.lost || fs[0].Silent != tt.silent || fs[0].SilentText() != tt.sinceTxt {
			t.Errorf("at %v: lost %v, silent %v, %q; want %v, %v, %q", tt.now, fs[0].Lost, fs[0].Silent, fs[0].SilentText(),
				tt.lost, tt.silent, tt.sinceTxt)
		}
		if !fs[1].Lost || !fs[1].Never || fs[1].SilentText() != "从未同步" {
			t.Errorf("a site never heard from: %+v", fs[1])
		}
	}
}
