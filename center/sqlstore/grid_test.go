package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// gridTown is a village hall with a big grid, two small grids, a 网格员 of the first small grid,
// the 网格长 of the big grid and a user of no grid.
type gridTown struct {
	site                   center.Site
	big, small, other      int64
	worker, leader, nobody center.User
}

// newGridTown sets up a gridTown in s, writing the grid tables directly (the grids CLI is
// another package's).
func newGridTown(t *testing.T, s *sqlstore.Store, village string) gridTown {
	t.Helper()
	ctx := context.Background()
	g := gridTown{site: addSite(t, s, village)}
	grid := func(name string, parent any) int64 {
		var id int64
		if err := s.DB().QueryRowContext(ctx, rebind(s, "INSERT INTO grids (site_id, parent_id, name, created_at) VALUES (?, ?, ?, 0) RETURNING id"),
			g.site.ID, parent, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	g.big = grid(village+"第一网格", nil)
	g.small = grid(village+"第一网格一组", g.big)
	g.other = grid(village+"第一网格二组", g.big)
	user := func(name string, grid int64) center.User {
		_, hash := center.NewToken()
		if err := s.AddUser(ctx, name, hash, time.Time{}); err != nil {
			t.Fatal(err)
		}
		u := center.User{Name: name, Role: center.RoleGridWorker}
		if err := s.DB().QueryRowContext(ctx, rebind(s, "SELECT id FROM users WHERE name = ?"), name).Scan(&u.ID); err != nil {
			t.Fatal(err)
		}
		if grid != 0 {
			if _, err := s.DB().ExecContext(ctx, rebind(s, "INSERT INTO grid_members (user_id, grid_id) VALUES (?, ?)"), u.ID, grid); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	g.worker = user(village+"网格员", g.small)
	g.leader = user(village+"网格长", g.big)
	g.nobody = user(village+"路人", 0)
	return g
}

// rebind writes ? placeholders as PostgreSQL's $n when s is on PostgreSQL.
func rebind(s *sqlstore.Store, q string) string {
	if !strings.HasPrefix(fmt.Sprintf("%T", s.DB().Driver()), "*stdlib") {
		return q
	}
	n := 0
	var b strings.Builder
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

// dispute returns a valid dispute of the grid with the key.
func dispute(key string, grid int64, risk app.Risk) app.GridDispute {
	return app.GridDispute{Key: key, Grid: grid, Service: "mediation", Category: "邻里纠纷", Summary: "两户因排水沟堵塞争吵",
		Place: "枫桥镇某村3组12号", Risk: risk, FoundAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		Parties: []app.Visitor{{Name: "张三丰", IDNumber: centertest.IDNumber(1), Phone: "13800138000"}, {Name: "李四"}},
		Photo:   []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3}}
}

func TestRegisterDispute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		g := newGridTown(t, s, "东村")
		at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

		c, created, err := s.RegisterDispute(ctx, g.worker, dispute("k-1", g.small, app.RiskGeneral), at)
		if err != nil || !created {
			t.Fatalf("register: created %v, %v", created, err)
		}
		if c.Code[0] != app.CentreCodePrefix || c.Source != app.SourceGrid || c.Risk != app.RiskGeneral ||
			c.Grid != "东村第一网格一组" || c.Owner != app.OwnerHall || c.Status != app.CaseRegistered {
			t.Errorf("case = %+v", c)
		}
		if c.Visitor == nil || c.Visitor.Name != "张*丰" || strings.Contains(c.Visitor.IDNumber, centertest.IDNumber(1)[6:14]) {
			t.Errorf("visitor = %+v, want masked", c.Visitor)
		}
		again, created, err := s.RegisterDispute(ctx, g.worker, dispute("k-1", g.small, app.RiskMajor), at.Add(time.Hour))
		if err != nil || created || again.Code != c.Code || again.Risk != app.RiskGeneral {
			t.Errorf("same key again: %s created %v risk %s, %v; want %s, not created", again.Code, created, again.Risk, err, c.Code)
		}

		// A resend after the 网格员 left the grid still gets its case; a new record does not.
		if _, err := s.DB().ExecContext(ctx, rebind(s, "DELETE FROM grid_members WHERE user_id = ?"), g.worker.ID); err != nil {
			t.Fatal(err)
		}
		if again, created, err := s.RegisterDispute(ctx, g.worker, dispute("k-1", g.small, app.RiskGeneral), at); err != nil || created || again.Code != c.Code {
			t.Errorf("resend after leaving the grid: %s created %v, %v", again.Code, created, err)
		}
		if _, _, err := s.RegisterDispute(ctx, g.worker, dispute("k-new", g.small, app.RiskGeneral), at); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("new record after leaving the grid: %v, want forbidden", err)
		}
		if _, err := s.DB().ExecContext(ctx, rebind(s, "INSERT INTO grid_members (user_id, grid_id) VALUES (?, ?)"), g.worker.ID, g.small); err != nil {
			t.Fatal(err)
		}

		// The 网格长 registers in any small grid of the big grid; others are refused.
		if _, _, err := s.RegisterDispute(ctx, g.leader, dispute("k-2", g.other, app.RiskHigher), at); err != nil {
			t.Errorf("leader: %v", err)
		}
		for _, tc := range []struct {
			name string
			user center.User
			grid int64
		}{{"no grid", g.nobody, g.small}, {"other small grid", g.worker, g.other}, {"no such grid", g.worker, 999999}} {
			_, _, err := s.RegisterDispute(ctx, tc.user, dispute("k-x", tc.grid, app.RiskGeneral), at)
			if app.ErrorCode(err) != app.EFORBIDDEN {
				t.Errorf("%s: err = %v, want forbidden", tc.name, err)
			}
		}
		if _, _, err := s.RegisterDispute(ctx, g.worker, app.GridDispute{Key: "k-3", Grid: g.small}, at); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("empty dispute: err = %v, want invalid", err)
		}
		// Once the village's hall has sent its catalogue, the dispute names one of its dispute services.
		cat, _ := json.Marshal(wire.Catalogue{Name: "东村", Services: app.DefaultServices()})
		if _, err := s.DB().ExecContext(ctx, rebind(s, "UPDATE sites SET catalogue = ? WHERE id = ?"), string(cat), g.site.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ service, category string }{{"nope", ""}, {"legal", "借贷纠纷"}, {"mediation", "赌博"}} {
			d := dispute("k-4", g.small, app.RiskGeneral)
			d.Service, d.Category = tc.service, tc.category
			if _, _, err := s.RegisterDispute(ctx, g.worker, d, at); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("service %s category %s: err = %v, want invalid", tc.service, tc.category, err)
			}
		}

		var cases, parties, photos int
		if err := s.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases WHERE source = 'grid'),
			(SELECT count(*) FROM dispute_parties), (SELECT count(*) FROM dispute_photos)`).Scan(&cases, &parties, &photos); err != nil {
			t.Fatal(err)
		}
		if cases != 2 || parties != 4 || photos != 2 {
			t.Errorf("stored %d cases, %d parties, %d photos; want 2, 4, 2", cases, parties, photos)
		}

		// The village's hall gets each case once, through its pull channel, owning it.
		changes := try(s.Changes(ctx, g.site.ID, 0, 100)).must(t)
		if len(changes) != 2 || changes[0].Kind != wire.ChangeAssign || changes[0].Case == nil || changes[0].Case.Code != c.Code ||
			changes[0].Case.Visitor.Name != "张*丰" || changes[0].Case.Source != app.SourceGrid {
			t.Fatalf("changes = %+v", changes)
		}
	})
}

func TestRegisterMajorDisputeStaysWithTheTown(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		g := newGridTown(t, s, "西村")
		c := try2(s.RegisterDispute(ctx, g.worker, dispute("m-1", g.small, app.RiskMajor), time.Now())).must(t)
		if c.Owner != app.OwnerCentre {
			t.Errorf("owner = %s, want centre", c.Owner)
		}
		inbox := try(s.Escalations(ctx, center.Scope{})).must(t)
		if len(inbox.Inbox) != 1 || inbox.Inbox[0].Code != c.Code {
			t.Errorf("inbox = %+v, want the major dispute", inbox.Inbox)
		}
		changes := try(s.Changes(ctx, g.site.ID, 0, 100)).must(t)
		if len(changes) != 1 || changes[0].Kind != wire.ChangeNotice || changes[0].Case.Code != c.Code {
			t.Fatalf("changes = %+v, want one notice", changes)
		}
		// The town works it.
		try(s.AcceptEscalation(ctx, c.Code, "镇综治中心")).must(t)

		// Retention strips its parties, place and photo with the case's identity.
		if _, err := s.DB().ExecContext(ctx, rebind(s, "UPDATE cases SET status = 'closed', closed_at = ? WHERE code = ?"),
			time.Now().Add(-400*24*time.Hour).UnixMicro(), c.Code); err != nil {
			t.Fatal(err)
		}
		if n := try(s.StripPersonalData(ctx, time.Now().Add(-365*24*time.Hour))).must(t); n != 1 {
			t.Fatalf("stripped %d cases, want 1", n)
		}
		var parties, photos int
		var place string
		if err := s.DB().QueryRowContext(ctx, rebind(s, `SELECT (SELECT count(*) FROM dispute_parties WHERE code = ?),
			(SELECT count(*) FROM dispute_photos WHERE code = ?), (SELECT place FROM grid_disputes WHERE code = ?)`),
			c.Code, c.Code, c.Code).Scan(&parties, &photos, &place); err != nil {
			t.Fatal(err)
		}
		if parties != 0 || photos != 0 || place != "" {
			t.Errorf("after retention: %d parties, %d photos, place %q", parties, photos, place)
		}
	})
}

func TestRegisterDisputeConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		g := newGridTown(t, s, "南村")
		const n = 8
		codes := make([]string, n)
		made := make([]bool, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var c app.Case
				c, made[i], errs[i] = s.RegisterDispute(ctx, g.worker, dispute("same", g.small, app.RiskGeneral), time.Now())
				codes[i] = c.Code
			})
		}
		wg.Wait()
		created := 0
		for i := range n {
			if err := errs[i]; err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if codes[i] != codes[0] {
				t.Errorf("request %d got %s, request 0 %s", i, codes[i], codes[0])
			}
			if made[i] {
				created++
			}
		}
		var cases int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM cases WHERE source = 'grid'").Scan(&cases); err != nil {
			t.Fatal(err)
		}
		if created != 1 || cases != 1 || len(try(s.Changes(ctx, g.site.ID, 0, 100)).must(t)) != 1 {
			t.Errorf("created %d, stored %d cases; want one", created, cases)
		}
	})
}

// try2 returns the case of a RegisterDispute call and fails the test on an error.
func try2(c app.Case, _ bool, err error) result[app.Case] { return result[app.Case]{c, err} }
