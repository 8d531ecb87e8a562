package hallsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
	"fengqiao/hub"
	"fengqiao/store"
)

// site is one hall of the town in the test: its store, its hub, a window client signed in, and its
// sync worker.
type site struct {
	hall   *store.Hall
	id     int64
	url    string
	win    *hub.Client
	worker *hallsync.Worker
}

const (
	kioskToken  = "kiosk-token-000000"
	windowToken = "window-token-00000"
)

func newSite(t *testing.T, s *sqlstore.Store, centre, name string) *site {
	t.Helper()
	ctx := context.Background()
	token, hash := center.NewToken()
	reg, err := s.AddSite(ctx, name, hash)
	if err != nil {
		t.Fatal(err)
	}
	h := centertest.NewHall(t)
	con := store.NewConsole(h, func(n, pin string) bool { return pin == "1234" })
	srv := httptest.NewServer(hub.NewServer(con, map[string]app.Role{kioskToken: app.RoleKiosk, windowToken: app.RoleWindow}, quietLogger()))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	win := hub.NewClient(srv.URL, windowToken)
	sess, err := win.SignIn(ctx, app.SignInRequest{Window: 1, Name: "赵六", PIN: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	win.SetSession(sess.Token)
	w, err := hallsync.New(h, hallsync.Config{BaseURL: centre, Token: token, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return &site{hall: h, id: reg.ID, url: srv.URL, win: win, worker: w}
}

func (st *site) sync(t *testing.T) {
	t.Helper()
	if err := st.worker.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// pending counts the changes of a site still waiting for their echo.
func pending(t *testing.T, s *sqlstore.Store, siteID int64) int {
	t.Helper()
	q := "SELECT count(*) FROM changes WHERE site_id = ? AND echo_event IS NULL"
	if strings.Contains(fmt.Sprintf("%T", s.DB().Driver()), "stdlib") { // pgx/v5/stdlib on PostgreSQL
		q = strings.Replace(q, "?", "$1", 1)
	}
	var n int
	if err := s.DB().QueryRowContext(context.Background(), q, siteID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// handOver hands the case to the site through the centre's API, as a staff member (李主任).
func handOver(t *testing.T, s *sqlstore.Store, centre, code, site string) center.Case {
	t.Helper()
	token, hash := center.NewToken()
	if err := s.AddUser(context.Background(), "李主任", hash, time.Time{}); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(center.HandoverRequest{Site: site})
	req, _ := http.NewRequest(http.MethodPost, centre+"/api/v1/cases/"+code+"/handover", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c center.Case
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST handover: %d, %v", resp.StatusCode, err)
	}
	return c
}

// readCase answers GET /api/v1/cases/{code} for a staff member scoped to one site.
func readCase(t *testing.T, s *sqlstore.Store, centre, user string, site int64, code string) int {
	t.Helper()
	ctx := context.Background()
	token, hash := center.NewToken()
	if err := s.AddUser(ctx, user, hash, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserAccess(ctx, user, center.RoleStaff, site); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, centre+"/api/v1/cases/"+code, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHandoverEndToEnd: a village escalates a case through its hub; the centre accepts it, records
// a mediation session and hands it to the town hall; the town hall's hub lists it and its window
// works it to closure; the village sees every step on its own hub. Every change is applied once
// and echoed once, nothing is refused, and the town hall still cannot touch the village's other
// cases — on both databases.
func TestHandoverEndToEnd(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := sqlstore.Open(ctx, b.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			srv := httptest.NewServer(center.NewServer(s, quietLogger()))
			defer srv.Close()
			village := newSite(t, s, srv.URL, "东村便民服务中心")
			town := newSite(t, s, srv.URL, "城关镇大厅")

			// The village opens two cases at its window and escalates one.
			kiosk := hub.NewClient(village.url, kioskToken)
			var codes []string
			for i := range 2 {
				tk, err := kiosk.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
					Visitor: &app.Visitor{IDNumber: idNumber(i), Name: "张三丰", Phone: "13812345678"}})
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, tk.CaseCode)
			}
			cc, kept := codes[0], codes[1]
			if _, err := village.win.CallNext(ctx, village.win.Session()); err != nil {
				t.Fatal(err)
			}
			if _, err := village.win.ChangeCase(ctx, cc, app.CaseChange{Status: app.CaseAccepted}); err != nil {
				t.Fatal(err)
			}
			if _, err := village.win.Escalate(ctx, cc, "涉及两个村，请镇里调处", ""); err != nil {
				t.Fatal(err)
			}
			village.sync(t)
			if _, err := town.win.Case(ctx, cc); app.ErrorCode(err) != app.ENOTFOUND {
				t.Fatalf("the town hall's hub before the handover: %v, want not_found", err)
			}

			// The centre works it on its case page (the store's actions): accepts it, assigns it,
			// refers it with a deadline, records a session, and hands it to the town hall.
			if _, err := s.Handover(ctx, cc, "城关镇大厅", "李主任"); app.ErrorCode(err) != app.ECONFLICT {
				t.Errorf("handing over an escalation not yet accepted: %v, want conflict", err)
			}
			if _, err := s.AcceptEscalation(ctx, cc, "李主任"); err != nil {
				t.Fatal(err)
			}
			for _, ch := range []app.CaseChange{
				{Status: app.CaseAssigned, Unit: "镇调委会", Level: "人民调解", By: "李主任"},
				{Status: app.CaseHandling, Handling: app.HandlingReferral, Department: "派出所", Deadline: "2026-12-20", Note: "转派出所", By: "李主任"},
			} {
				if _, err := s.WorkChange(ctx, cc, ch); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.RecordSession(ctx, cc, app.MediationSession{Date: "2026-12-01", Mediator: "王调解员",
				Parties: "张三、李四", Outcome: "择期再调", By: "李主任"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Handover(ctx, cc, "东村便民服务中心", "李主任"); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("handing a case to its own site: %v, want invalid", err)
			}
			if _, err := s.Handover(ctx, kept, "城关镇大厅", "李主任"); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("handing over a case its village owns: %v, want not_owner", err)
			}
			if got := readCase(t, s, srv.URL, "镇大厅甲", town.id, cc); got != http.StatusNotFound {
				t.Errorf("the town hall's staff read the case before the handover: %d, want 404", got)
			}
			handed := handOver(t, s, srv.URL, cc, "城关镇大厅")
			if got := readCase(t, s, srv.URL, "镇大厅乙", town.id, cc); got != http.StatusOK {
				t.Errorf("the town hall's staff read the case handed to them: %d, want 200", got)
			}
			if got := readCase(t, s, srv.URL, "镇大厅丙", town.id, kept); got != http.StatusNotFound {
				t.Errorf("the town hall's staff read the village's own case: %d, want 404", got)
			}
			if handed.Worker != "城关镇大厅" || handed.Owner != app.OwnerCentre {
				t.Fatalf("handed case at the centre = %+v", handed)
			}
			if _, err := s.ChangeCase(ctx, cc, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingMediation}); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("the centre changing a handed case: %v, want not_owner", err)
			}
			if _, err := s.Handover(ctx, cc, "城关镇大厅", "李主任"); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("handing a case over twice: %v, want not_owner", err)
			}
			if _, err := s.RecordSession(ctx, cc, app.MediationSession{Date: "2026-12-02", Mediator: "王调解员", Outcome: "达成协议"}); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("the centre recording a session on a handed case: %v, want not_owner", err)
			}
			// Follow-ups after the handover reach both halls: the centre's, and the village's.
			if _, err := s.AddFollowUp(ctx, cc, "镇综治中心已电话回访", "李主任"); err != nil {
				t.Fatal(err)
			}
			if _, err := village.win.AddFollowUp(ctx, cc, "村委会已上门了解", ""); err != nil {
				t.Fatal(err)
			}
			village.sync(t)
			town.sync(t)

			// The town hall's console lists it and works it, at a window that holds no ticket of it.
			list, err := town.win.HandedCases(ctx)
			if err != nil || len(list) != 1 || list[0].Code != cc || list[0].Visitor == nil || list[0].Visitor.Name != "张*丰" {
				t.Fatalf("handed cases at the town hall = %+v, %v", list, err)
			}
			if _, err := town.win.Case(ctx, kept); app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("the village's other case at the town hall: %v, want not_found", err)
			}
			steps := []app.CaseChange{
				{Status: app.CaseFollowUp, FollowUpOn: "2026-12-25"},
				{Status: app.CaseClosed, Result: app.ResultResolved, Note: "双方签订调解协议"},
			}
			for i, ch := range steps {
				if _, err := town.win.ChangeCase(ctx, cc, ch); err != nil {
					t.Fatalf("town step %d: %v", i, err)
				}
				if i == 0 {
					if _, err := town.win.AddFollowUp(ctx, cc, "已电话通知双方", ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			for range 3 { // town → centre (relayed) → village → centre (echoes), and the village's note the other way
				town.sync(t)
				village.sync(t)
			}

			// Everyone agrees, nothing was refused, every change was applied and echoed once.
			vc, err := village.win.Case(ctx, cc)
			if err != nil {
				t.Fatal(err)
			}
			centreCase, err := s.Case(ctx, cc)
			if err != nil {
				t.Fatal(err)
			}
			tc, _ := town.win.Case(ctx, cc)
			for name, c := range map[string]app.Case{"village": vc, "centre": centreCase.Case, "town": tc} {
				if c.Status != app.CaseClosed || c.Result != app.ResultResolved || c.Department != "派出所" {
					t.Errorf("%s: case = %s %s %s", name, c.Status, c.Result, c.Department)
				}
			}
			if vc.Deadline != "2026-12-20" || tc.Deadline != "2026-12-20" || centreCase.Deadline != "2026-12-20" {
				t.Errorf("referral deadline: village %q, town %q, centre %q", vc.Deadline, tc.Deadline, centreCase.Deadline)
			}
			if vc.Owner != app.OwnerCentre {
				t.Errorf("the village's copy is owned by %s, want the centre", vc.Owner)
			}
			lines := func(c app.Case) []string {
				var out []string
				for _, e := range c.History {
					out = append(out, e.Kind+"/"+string(e.Status)+"/"+e.Note)
				}
				return out
			}
			for name, h := range map[string][]string{"village": lines(vc), "town": lines(tc)} {
				for _, want := range []string{
					app.EntryEscalated + "//涉及两个村，请镇里调处",
					app.EntryStatus + "/assigned/",
					app.EntryStatus + "/handling/转派出所",
					app.EntrySession + "//2026-12-01 调解员 王调解员；到场 张三、李四；择期再调",
					app.EntryFollowUp + "//镇综治中心已电话回访",
					app.EntryFollowUp + "//村委会已上门了解",
					app.EntryFollowUp + "//已电话通知双方",
					app.EntryStatus + "/followup/",
					app.EntryStatus + "/closed/双方签订调解协议",
				} {
					if !slices.Contains(h, want) {
						t.Errorf("the %s's history lacks %q:\n%s", name, want, strings.Join(h, "\n"))
					}
				}
			}
			for _, want := range []string{app.EntryEscalationAccepted + "//镇综治中心已受理", app.EntryFollowUp + "//已移交城关镇大厅办理"} {
				if !slices.Contains(lines(vc), want) {
					t.Errorf("the village's history lacks %q", want)
				}
			}
			for _, st := range []*site{village, town} {
				stats, err := s.Stats(ctx, st.id)
				if err != nil {
					t.Fatal(err)
				}
				if stats.Refused != 0 {
					t.Errorf("site %d: %d events refused", st.id, stats.Refused)
				}
				pending := pending(t, s, st.id)
				var inbound, applied int64
				if err := st.hall.DB().Reader().QueryRowContext(ctx,
					"SELECT count(*), count(*) FILTER (WHERE outcome = 'applied') FROM sync_inbound").Scan(&inbound, &applied); err != nil {
					t.Fatal(err)
				}
				site, _ := s.Site(ctx, st.id)
				if pending != 0 || inbound != site.LastSeq || applied != inbound {
					t.Errorf("site %d: %d changes without echo, %d of %d pulled, %d applied", st.id, pending, inbound, site.LastSeq, applied)
				}
			}
			if n := len(centreCase.History); n == 0 || centreCase.History[n-1].Status != app.CaseClosed {
				t.Errorf("the centre's history ends with %+v", centreCase.History[len(centreCase.History)-1])
			}
		})
	}
}
