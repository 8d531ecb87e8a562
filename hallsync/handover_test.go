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
	"fengqiao/wire"
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
	srv := httptest.NewServer(hub.NewServer(con, map[string]string{kioskToken: hub.RoleKiosk, windowToken: hub.RoleWindow}, quietLogger()))
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

// rebind turns ? placeholders into PostgreSQL's $n when s is on PostgreSQL.
func rebind(s *sqlstore.Store, q string) string {
	if !strings.Contains(fmt.Sprintf("%T", s.DB().Driver()), "stdlib") { // pgx/v5/stdlib on PostgreSQL
		return q // SQLite
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// queue appends a change to a site's changes log as the centre's case page does (its actions are
// the centre's side of issue 18): the kind's payload as JSON, the seq under the site's counter.
func queue(t *testing.T, s *sqlstore.Store, siteID int64, ch wire.Change) {
	t.Helper()
	ctx := context.Background()
	var body []byte
	switch {
	case ch.Session != nil:
		body, _ = json.Marshal(ch.Session)
	}
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, rebind(s, "UPDATE sites SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"), siteID).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, rebind(s, `INSERT INTO changes (site_id, seq, code, kind, change, note, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), siteID, seq, ch.Code, ch.Kind, string(body), ch.Note, ch.By, time.Now().UnixMicro()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
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

			// The centre accepts it, records a session, assigns it and hands it to the town hall.
			queue(t, s, village.id, wire.Change{Code: cc, Kind: wire.ChangeEscalationAccepted, By: "李主任"})
			queue(t, s, village.id, wire.Change{Code: cc, Kind: wire.ChangeSession, Session: &app.MediationSession{
				Date: "2026-12-01", Mediator: "王调解员", Parties: "张三、李四", Outcome: "择期再调", By: "李主任"}})
			if _, err := s.ChangeCase(ctx, cc, app.CaseChange{Status: app.CaseAssigned, Unit: "镇调委会", Level: "人民调解", By: "李主任"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Handover(ctx, cc, "东村便民服务中心", "李主任"); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("handing a case to its own site: %v, want invalid", err)
			}
			if _, err := s.Handover(ctx, kept, "城关镇大厅", "李主任"); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("handing over a case its village owns: %v, want not_owner", err)
			}
			handed := handOver(t, s, srv.URL, cc, "城关镇大厅")
			if handed.Handler != "城关镇大厅" || handed.Owner != app.OwnerHall {
				t.Fatalf("handed case at the centre = %+v", handed)
			}
			if _, err := s.ChangeCase(ctx, cc, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingMediation}); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("the centre changing a handed case: %v, want not_owner", err)
			}
			if _, err := s.Handover(ctx, cc, "城关镇大厅", "李主任"); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("handing a case over twice: %v, want not_owner", err)
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
				{Status: app.CaseHandling, Handling: app.HandlingReferral, Department: "派出所", Deadline: "2026-12-20", Note: "转派出所"},
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
			for range 2 { // town → centre (relayed) → village → centre (echoes)
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
			if vc.Deadline != "2026-12-20" || tc.Deadline != "2026-12-20" { // the centre's column is its case page's
				t.Errorf("referral deadline: village %q, town %q", vc.Deadline, tc.Deadline)
			}
			if vc.Owner != app.OwnerCentre {
				t.Errorf("the village's copy is owned by %s, want the centre", vc.Owner)
			}
			var kinds []string
			for _, e := range vc.History {
				kinds = append(kinds, e.Kind+"/"+string(e.Status)+"/"+e.Note)
			}
			for _, want := range []string{
				app.EntryEscalated + "//涉及两个村，请镇里调处",
				app.EntryEscalationAccepted + "//镇综治中心已受理",
				app.EntrySession + "//2026-12-01 调解员 王调解员；到场 张三、李四；择期再调",
				app.EntryStatus + "/assigned/",
				app.EntryFollowUp + "//已移交城关镇大厅办理",
				app.EntryStatus + "/handling/转派出所",
				app.EntryFollowUp + "//已电话通知双方",
				app.EntryStatus + "/followup/",
				app.EntryStatus + "/closed/双方签订调解协议",
			} {
				if !slices.Contains(kinds, want) {
					t.Errorf("the village's history lacks %q:\n%s", want, strings.Join(kinds, "\n"))
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
				var pending int
				if err := s.DB().QueryRowContext(ctx, rebind(s, "SELECT count(*) FROM changes WHERE site_id = ? AND echo_event IS NULL"),
					st.id).Scan(&pending); err != nil {
					t.Fatal(err)
				}
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
