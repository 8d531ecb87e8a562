package center_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/wire"
)

// TestCasePages drives the case list, the party search and the case actions over HTTP, as each
// kind of user, on both backends.
func TestCasePages(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newWebFixture(t, be.DSN(t), center.WithTownSite("枫源村"))
			escalate(t, f.st, f.siteB, f.codeB, time.Now().Add(-2*time.Hour))

			staff := f.browser(t)
			_, csrf := staff.signIn("staff", testPassword)
			if status, body := staff.do("GET", "/dashboard/cases?escalated=inbox", nil); status != 200 ||
				!strings.Contains(body, f.codeB) || strings.Contains(body, f.codeA) {
				t.Fatalf("inbox filter: %d, lists B %v, A %v", status, strings.Contains(body, f.codeB), strings.Contains(body, f.codeA))
			}
			if status, body := staff.do("GET", "/dashboard/cases?site="+itoa64(f.siteA.ID), nil); status != 200 ||
				!strings.Contains(body, f.codeA) || !strings.Contains(body, f.codeB) {
				t.Errorf("the town hall's site lists its own case and the escalated one: %d", status)
			}
			if status, body := staff.do("GET", "/dashboard/escalations", nil); status != 200 ||
				!strings.Contains(body, `id="inbox">1<`) || !strings.Contains(body, "2小时") {
				t.Errorf("escalations page: %d", status)
			}
			navCount := func(b *browser, want string) {
				t.Helper()
				if _, body := b.do("GET", "/dashboard", nil); !strings.Contains(body, want) {
					t.Errorf("the nav's 上报待受理 does not read %s", want)
				}
			}
			navCount(staff, `class="count hot" id="inbox-count">1<`)

			// The party search: by full name, masked, audited without the words.
			status, body := staff.do("POST", "/dashboard/cases/search", url.Values{"csrf": {csrf}, "who": {visitorA.Name}})
			if status != 200 || !strings.Contains(body, f.codeA) || strings.Contains(body, f.codeB) {
				t.Errorf("search by name: %d, found A %v, B %v", status, strings.Contains(body, f.codeA), strings.Contains(body, f.codeB))
			}
			if status, body := staff.do("POST", "/dashboard/cases/search", url.Values{"csrf": {csrf}, "who": {visitorB.IDNumber}}); status != 200 || !strings.Contains(body, f.codeB) {
				t.Errorf("search by ID number: %d", status)
			}
			if status, _ := staff.do("POST", "/dashboard/cases/search", url.Values{"who": {visitorA.Name}}); status != http.StatusForbidden {
				t.Errorf("search without the form token: %d, want 403", status)
			}
			audit, err := f.st.AuditLog(ctx, 20)
			if err != nil {
				t.Fatal(err)
			}
			searches := 0
			for _, e := range audit {
				if e.Action == "case.search" {
					searches++
					if e.Target != "name:1 found" && e.Target != "id_number:1 found" {
						t.Errorf("audit target %q", e.Target)
					}
				}
			}
			if searches != 2 {
				t.Errorf("audited searches = %d, want 2", searches)
			}
			village := f.browser(t)
			_, vcsrf := village.signIn("village", testPassword)
			navCount(village, `class="count" id="inbox-count">0<`) // another village's escalation
			if _, body := village.do("POST", "/dashboard/cases/search", url.Values{"csrf": {vcsrf}, "who": {visitorB.Name}}); strings.Contains(body, f.codeB) {
				t.Error("a village's staff found another village's case")
			}
			reader := f.browser(t)
			_, rcsrf := reader.signIn("reader", testPassword)
			if status, _ := reader.do("POST", "/dashboard/cases/search", url.Values{"csrf": {rcsrf}, "who": {visitorA.Name}}); status != http.StatusForbidden {
				t.Errorf("readonly search: %d, want 403", status)
			}

			// Actions: a village's staff may not work the town's case; the town's staff may, once.
			accept := "/dashboard/cases/" + f.codeB + "/accept"
			if status, _ := raw(t, village, "POST", accept, url.Values{"csrf": {vcsrf}}); status != http.StatusNotFound {
				t.Errorf("another village's case: %d, want 404", status)
			}
			if status, _ := raw(t, staff, "POST", accept, url.Values{}); status != http.StatusForbidden {
				t.Errorf("accept without the form token: %d, want 403", status)
			}
			if status, _ := raw(t, staff, "POST", accept, url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
				t.Errorf("accept: %d, want 303", status)
			}
			if status, _ := raw(t, staff, "GET", accept[:len(accept)-len("/accept")]+"?done=accept", nil); status != 200 {
				t.Errorf("case page after accepting: %d", status)
			}
			navCount(staff, `class="count" id="inbox-count">0<`)
			if status, _ := raw(t, staff, "POST", accept, url.Values{"csrf": {csrf}}); status != http.StatusConflict {
				t.Errorf("second acceptance: %d, want 409", status)
			}
			if status, _ := raw(t, staff, "POST", "/dashboard/cases/"+f.codeA+"/close", url.Values{"csrf": {csrf}, "result": {"resolved"}}); status != http.StatusConflict {
				t.Errorf("closing a hall's case at the centre: %d, want 409", status)
			}
			if status, _ := raw(t, staff, "POST", "/dashboard/cases/"+f.codeB+"/assign", url.Values{"csrf": {csrf}, "level": {"人民调解"}, "org": {"第三方"}}); status != http.StatusBadRequest {
				t.Errorf("a third party without its name: %d, want 400", status)
			}
			if status, _ := raw(t, reader, "GET", "/dashboard/cases/"+f.codeB, nil); status != 200 {
				t.Errorf("readonly reads the case page: %d", status)
			}

			// 交办 to the town hall's site: it works the case now; of the centre's actions only 回访
			// is left, and it reaches both halls.
			caseB := "/dashboard/cases/" + f.codeB
			if status, _ := raw(t, staff, "POST", caseB+"/handover", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
				t.Fatalf("handover: %d, want 303", status)
			}
			if status, body := raw(t, staff, "GET", caseB, nil); status != 200 || strings.Contains(body, caseB+"/assign") ||
				!strings.Contains(body, caseB+"/followup") {
				t.Errorf("case page after the handover: %d, offers assign %v, followup %v", status,
					strings.Contains(body, caseB+"/assign"), strings.Contains(body, caseB+"/followup"))
			}
			for _, act := range []string{"handover", "assign"} {
				form := url.Values{"csrf": {csrf}, "level": {"人民调解"}, "org": {"司法所"}}
				if status, _ := raw(t, staff, "POST", caseB+"/"+act, form); status != http.StatusConflict {
					t.Errorf("%s after the handover: %d, want 409", act, status)
				}
			}
			if status, _ := raw(t, staff, "POST", caseB+"/followup", url.Values{"csrf": {csrf}, "result": {center.FollowUpOutcomes[0]}}); status != http.StatusSeeOther {
				t.Errorf("回访 after the handover: %d, want 303", status)
			}
			for _, site := range []center.Site{f.siteA, f.siteB} {
				changes, err := f.st.Changes(ctx, site.ID, 0, 100)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(changes); n == 0 || changes[n-1].Kind != wire.ChangeFollowUp || changes[n-1].Code != f.codeB {
					t.Errorf("site %s's last change = %+v, want the 回访", site.Name, changes[n-1:])
				}
			}
			if status, _ := raw(t, village, "GET", caseB, nil); status != 200 {
				t.Errorf("staff scoped to the town hall's site read the case handed to it: %d, want 200", status)
			}
		})
	}
}

// raw makes a request whose answer may be the case page, which holds staff notes (a full-record
// view, audited), so it is not checked for personal data as browser.do does.
func raw(t *testing.T, b *browser, method, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
