package hallsync_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
)

// gridWorker adds a small grid to the site and a 网格员 who belongs to it.
func gridWorker(t *testing.T, s *sqlstore.Store, site int64, name string) (center.User, int64) {
	t.Helper()
	ctx := context.Background()
	q := func(sql string) string { // ? as $n on PostgreSQL
		if !strings.Contains(fmt.Sprintf("%T", s.DB().Driver()), "stdlib") {
			return sql
		}
		for n := 1; strings.Contains(sql, "?"); n++ {
			sql = strings.Replace(sql, "?", fmt.Sprintf("$%d", n), 1)
		}
		return sql
	}
	var grid int64
	if err := s.DB().QueryRowContext(ctx, q("INSERT INTO grids (site_id, name, created_at) VALUES (?, ?, 0) RETURNING id"),
		site, name+"的网格").Scan(&grid); err != nil {
		t.Fatal(err)
	}
	_, hash := center.NewToken()
	if err := s.AddUser(ctx, name, hash, time.Time{}); err != nil {
		t.Fatal(err)
	}
	u := center.User{Name: name, Role: center.RoleGridWorker}
	if err := s.DB().QueryRowContext(ctx, q("SELECT id FROM users WHERE name = ?"), name).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, q("INSERT INTO grid_members (user_id, grid_id) VALUES (?, ?)"), u.ID, grid); err != nil {
		t.Fatal(err)
	}
	return u, grid
}

func gridDispute(key string, grid int64, risk app.Risk) app.GridDispute {
	return app.GridDispute{Key: key, Grid: grid, Service: "mediation", Category: "邻里纠纷", Summary: "两户因宅基地界址争执",
		Place: "东村5组8号", Risk: risk, FoundAt: time.Now(),
		Parties: []app.Visitor{{Name: "王五福", IDNumber: idNumber(7), Phone: "13912345678"}, {Name: "赵大"}}}
}

// TestGridDisputeGoesToTheVillage: a 网格员 registers a dispute at the centre; its village's hall
// receives it through the pull channel and owns it; its window works it to closure and records a
// follow-up; the centre shows each step, every change is echoed once, nothing is refused, and the
// ledger counts the dispute once, from source 网格排查. A 重大 dispute stays with the town: the
// village gets it read-only and sees the town's work on it — on both databases.
func TestGridDisputeGoesToTheVillage(t *testing.T) {
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
			village.sync(t)
			worker, grid := gridWorker(t, s, village.id, "东村网格员")

			c, created, err := s.RegisterDispute(ctx, worker, gridDispute("phone-1", grid, app.RiskGeneral), time.Now())
			if err != nil || !created {
				t.Fatalf("register: %v, created %v", err, created)
			}
			if _, created, err := s.RegisterDispute(ctx, worker, gridDispute("phone-1", grid, app.RiskGeneral), time.Now()); err != nil || created {
				t.Fatalf("the phone resends: %v, created %v", err, created)
			}
			village.sync(t)
			village.sync(t) // the echo of the assignment goes back

			list, err := village.win.HandedCases(ctx)
			if err != nil || len(list) != 1 || list[0].Code != c.Code {
				t.Fatalf("the village hall's cases = %+v, %v", list, err)
			}
			got := list[0]
			if got.Owner != app.OwnerHall || got.Source != app.SourceGrid || got.Risk != app.RiskGeneral ||
				got.Visitor == nil || got.Visitor.Name != "王*福" || got.Grid != "东村网格员的网格" {
				t.Fatalf("assigned case at the village hall = %+v", got)
			}
			for i, ch := range []app.CaseChange{
				{Status: app.CaseAccepted, Note: "村调委会受理"},
				{Status: app.CaseAssigned, Unit: "村调委会", Level: "人民调解"},
				{Status: app.CaseHandling, Handling: app.HandlingMediation},
				{Status: app.CaseClosed, Result: app.ResultResolved, Note: "双方签订调解协议"},
			} {
				if _, err := village.win.ChangeCase(ctx, c.Code, ch); err != nil {
					t.Fatalf("village step %d: %v", i, err)
				}
			}
			if _, err := village.win.AddFollowUp(ctx, c.Code, "网格员回访：双方已履行", ""); err != nil {
				t.Fatal(err)
			}
			village.sync(t)

			at, err := s.Case(ctx, c.Code)
			if err != nil {
				t.Fatal(err)
			}
			if at.Status != app.CaseClosed || at.Result != app.ResultResolved || at.Owner != app.OwnerHall ||
				at.Source != app.SourceGrid || at.Source.Label() != "网格排查" || at.Site != "东村便民服务中心" {
				t.Errorf("the centre's case = %s %s owner %s source %q at %s", at.Status, at.Result, at.Owner, at.Source, at.Site)
			}
			var kinds []string
			for _, e := range at.History {
				kinds = append(kinds, e.Kind+"/"+string(e.Status))
			}
			want := "status/registered assigned/ status/accepted status/assigned status/handling status/closed followup/"
			if strings.Join(kinds, " ") != want {
				t.Errorf("history at the centre = %v, want %s", kinds, want)
			}
			rows, err := s.Ledger(ctx, center.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range rows {
				if r.Code == c.Code {
					n++
					if !r.Resolved() || r.Site != village.id {
						t.Errorf("ledger row = %+v, want resolved at the village", r)
					}
				}
			}
			if n != 1 {
				t.Errorf("the ledger holds the dispute %d times, want once", n)
			}
			ledger := center.BuildLedger(rows, center.Catalogue{Sites: map[int64]string{village.id: "东村便民服务中心"},
				Services: app.DefaultServices()}, time.Now())
			if ledger.Total.Registered != 1 || ledger.Total.Resolved != 1 || len(ledger.BySite) != 1 ||
				ledger.BySite[0].Registered != 1 || ledger.Escalated.Registered != 0 {
				t.Errorf("ledger: total %+v, by site %+v, escalated %+v; want the dispute once, at the village", ledger.Total,
					ledger.BySite, ledger.Escalated)
			}

			// A 重大 dispute stays with the town; the village sees it and the town's work, read-only.
			major, _, err := s.RegisterDispute(ctx, worker, gridDispute("phone-2", grid, app.RiskMajor), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			village.sync(t)
			if _, err := village.win.ChangeCase(ctx, major.Code, app.CaseChange{Status: app.CaseAccepted}); err == nil {
				t.Errorf("the village's window changed the town's case")
			}
			if _, err := village.hall.ChangeCase(ctx, major.Code, app.CaseChange{Status: app.CaseAccepted}); app.ErrorCode(err) != app.ENOTOWNER {
				t.Errorf("the village hall changing the town's case: %v, want not_owner", err)
			}
			if _, err := s.AcceptEscalation(ctx, major.Code, "李主任"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.WorkChange(ctx, major.Code, app.CaseChange{Status: app.CaseAssigned, Unit: "镇调委会", Level: "人民调解", By: "李主任"}); err != nil {
				t.Fatal(err)
			}
			village.sync(t)
			village.sync(t)
			vc, err := village.win.Case(ctx, major.Code)
			if err != nil || vc.Owner != app.OwnerCentre || vc.Status != app.CaseAssigned || vc.Risk != app.RiskMajor {
				t.Errorf("the village's copy of the major dispute = %+v, %v", vc, err)
			}
			if list, _ := village.win.HandedCases(ctx); len(list) != 2 {
				t.Errorf("the village lists %d routed cases, want 2", len(list))
			}
			if st, _ := s.Stats(ctx, village.id); st.Refused != 0 {
				t.Errorf("%d events refused", st.Refused)
			}
			if n := pending(t, s, village.id); n != 0 {
				t.Errorf("%d changes still wait for their echo", n)
			}
		})
	}
}
