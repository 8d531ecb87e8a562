package hallsync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center/sqlstore"
	"fengqiao/store"
)

var services = []string{"petition", "legal", "hotline", "mediation"}

// hallAct does one random thing at the hall: issue a ticket, serve one, accept, escalate or
// annotate a case. Refusals by the hall's rules are part of the game; only failures are returned.
func hallAct(ctx context.Context, h *store.Hall, rnd *rand.Rand, n int) error {
	var err error
	switch rnd.IntN(7) {
	case 0, 1, 2:
		_, err = h.Issue(ctx, app.IssueRequest{Service: services[rnd.IntN(len(services))], Category: "其他",
			Visitor: &app.Visitor{IDNumber: idNumber(rnd.IntN(300)), Name: "测试", Phone: "13800138000"}})
	case 3:
		win := 1 + rnd.IntN(2)
		h.Complete(ctx, win)
		if _, err = h.Call(ctx, win); err == nil {
			_, err = h.Start(ctx, win)
		}
	case 4:
		if code, ok := pickHallCase(ctx, h, rnd, "status = 'registered'"); ok {
			_, err = h.ChangeCase(ctx, code, app.CaseChange{Status: app.CaseAccepted, Note: fmt.Sprintf("受理 %d", n)})
		}
	case 5:
		if code, ok := pickHallCase(ctx, h, rnd, "owner = 'hall' AND status NOT IN ('closed', 'rejected')"); ok {
			_, err = h.Escalate(ctx, code, "请中心处理", "窗口")
		}
	case 6:
		if code, ok := pickHallCase(ctx, h, rnd, "1 = 1"); ok {
			_, err = h.AddFollowUp(ctx, code, fmt.Sprintf("大厅回访 %d", n), "窗口")
		}
	}
	if err != nil && app.ErrorCode(err) == app.EINTERNAL {
		return err
	}
	return nil
}

func pickHallCase(ctx context.Context, h *store.Hall, rnd *rand.Rand, where string) (string, bool) {
	var code string
	err := h.DB().Reader().QueryRowContext(ctx, "SELECT code FROM cases WHERE "+where+" ORDER BY id LIMIT 1 OFFSET ?",
		rnd.IntN(5)).Scan(&code)
	return code, err == nil
}

// centreAct moves a random centre-owned case one step on, or appends a follow-up to it.
func centreAct(ctx context.Context, s *sqlstore.Store, rnd *rand.Rand, n int) error {
	rows, err := s.DB().QueryContext(ctx, "SELECT code, status FROM cases WHERE owner = 'centre' AND status NOT IN ('closed', 'rejected') ORDER BY code")
	if err != nil {
		return err
	}
	type cs struct{ code, status string }
	var open []cs
	for rows.Next() {
		var c cs
		rows.Scan(&c.code, &c.status)
		open = append(open, c)
	}
	rows.Close()
	if len(open) == 0 {
		return nil
	}
	c := open[rnd.IntN(len(open))]
	if rnd.IntN(3) == 0 {
		_, err = s.AddFollowUp(ctx, c.code, fmt.Sprintf("中心回访 %d", n), "中心")
	} else {
		_, err = s.ChangeCase(ctx, c.code, nextChange(app.CaseStatus(c.status), n))
	}
	if err != nil && app.ErrorCode(err) == app.EINTERNAL {
		return err
	}
	return nil
}

// nextChange is the next step of a case's lifecycle.
func nextChange(s app.CaseStatus, n int) app.CaseChange {
	note := fmt.Sprintf("中心 %d", n)
	switch s {
	case app.CaseRegistered:
		return app.CaseChange{Status: app.CaseAccepted, Note: note}
	case app.CaseAccepted:
		return app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", Note: note}
	case app.CaseAssigned:
		return app.CaseChange{Status: app.CaseAssessing, Note: note}
	case app.CaseAssessing:
		return app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingMediation, Note: note}
	case app.CaseHandling:
		return app.CaseChange{Status: app.CaseFollowUp, FollowUpOn: "2026-12-01", Note: note}
	}
	return app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved, Note: note}
}

func idNumber(i int) string {
	s := fmt.Sprintf("11010119800101%03d", i%1000)
	return s + string(app.IDCheckChar(s))
}

// waitSettled waits until the hall and the centre have exchanged everything: no backlog, every
// centre change pulled, and the centre's mark at the hall's last event, twice in a row.
func waitSettled(t *testing.T, db *store.DB, s *sqlstore.Store, siteID int64) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	stable := 0
	for stable < 2 {
		if time.Now().After(deadline) {
			st, _ := db.SyncState(ctx)
			site, _ := s.Site(ctx, siteID)
			t.Fatalf("not settled: hall %+v, centre %+v", st, site)
		}
		time.Sleep(20 * time.Millisecond)
		st, err := db.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		site, err := s.Site(ctx, siteID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Backlog == 0 && st.Pulled == site.LastSeq && site.AppliedThrough == st.Pushed {
			stable++
		} else {
			stable = 0
		}
	}
}

// assertConverged checks exactly-once both ways: the centre holds each hall event once and the
// same cases (status, owner, history) and tickets; the hall applied each centre change once.
func assertConverged(t *testing.T, db *store.DB, s *sqlstore.Store, siteID int64) {
	t.Helper()
	ctx := context.Background()
	var maxID, nTickets int64
	r := db.Reader()
	if err := r.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, siteID)
	if err != nil {
		t.Fatal(err)
	}
	if st.AppliedThrough != maxID || st.Events != maxID || st.Refused != 0 {
		t.Fatalf("centre: %+v, want %d events each once and none refused", st, maxID)
	}
	site, _ := s.Site(ctx, siteID)
	var inbound, applied int64
	if err := r.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE outcome = 'applied') FROM sync_inbound").Scan(&inbound, &applied); err != nil {
		t.Fatal(err)
	}
	if inbound != site.LastSeq || applied != inbound {
		t.Fatalf("hall handled %d centre changes (%d applied), want %d", inbound, applied, site.LastSeq)
	}

	rows, err := r.QueryContext(ctx, "SELECT code FROM cases ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	rows.Close()
	if int64(len(codes)) != st.Cases {
		t.Fatalf("hall has %d cases, centre %d", len(codes), st.Cases)
	}
	var entries int64
	for _, code := range codes {
		hc, err := hallCase(ctx, db, code)
		if err != nil {
			t.Fatal(err)
		}
		cc, err := s.Case(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if hc.Status != cc.Status || hc.Owner != cc.Owner {
			t.Errorf("case %s: hall %s/%s, centre %s/%s", code, hc.Status, hc.Owner, cc.Status, cc.Owner)
		}
		if a, b := entryBag(hc.History), entryBag(cc.History); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("case %s history:\nhall   %v\ncentre %v", code, a, b)
		}
		entries += int64(len(hc.History))
	}
	if entries != st.Entries {
		t.Errorf("history lines: hall %d, centre %d", entries, st.Entries)
	}

	tickets, err := s.Tickets(ctx, siteID)
	if err != nil {
		t.Fatal(err)
	}
	trows, err := r.QueryContext(ctx, "SELECT id, status FROM tickets")
	if err != nil {
		t.Fatal(err)
	}
	defer trows.Close()
	for trows.Next() {
		var id int64
		var status string
		trows.Scan(&id, &status)
		nTickets++
		if got := tickets[id].Status; string(got) != status {
			t.Errorf("ticket %d: hall %s, centre %s", id, status, got)
		}
	}
	if nTickets != int64(len(tickets)) {
		t.Errorf("tickets: hall %d, centre %d", nTickets, len(tickets))
	}
	t.Logf("converged: %d events, %d cases, %d history lines, %d tickets, %d centre changes",
		maxID, len(codes), entries, nTickets, site.LastSeq)
}

// hallCase reads a case through a hall on db (the test may hold only the database).
func hallCase(ctx context.Context, db *store.DB, code string) (app.Case, error) {
	return store.NewHall(db, app.Info{Services: app.DefaultServices()}, app.DefaultRules(), nil).Case(ctx, code)
}

func entryBag(es []app.CaseEntry) map[string]int {
	m := map[string]int{}
	for _, e := range es {
		m[fmt.Sprintf("%s/%s/%s/%s", e.Kind, e.Status, e.Note, e.By)]++
	}
	return m
}
