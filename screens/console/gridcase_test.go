package console

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
)

// townCentre is a centre (SQLite) that the village hall syncs with, and a 网格员 of a small grid of
// the village.
type townCentre struct {
	store  *sqlstore.Store
	worker *hallsync.Worker
	site   int64
	grid   int64
	member center.User
}

func newTownCentre(t *testing.T, village *hall) *townCentre {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, centertest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(center.NewServer(s, slog.New(slog.DiscardHandler)))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	token, hash := center.NewToken()
	site, err := s.AddSite(ctx, "东村便民服务中心", hash)
	if err != nil {
		t.Fatal(err)
	}
	w, err := hallsync.New(village.con.Hall, hallsync.Config{BaseURL: srv.URL, Token: token, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tc := &townCentre{store: s, worker: w, site: site.ID, member: center.User{Name: "东村网格员", Role: center.RoleGridWorker}}
	_, uh := center.NewToken()
	if err := s.AddUser(ctx, tc.member.Name, uh, time.Time{}); err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	for _, step := range []func() error{
		func() error {
			return db.QueryRowContext(ctx, "SELECT id FROM users WHERE name = ?", tc.member.Name).Scan(&tc.member.ID)
		},
		func() error {
			return db.QueryRowContext(ctx, "INSERT INTO grids (site_id, name, created_at) VALUES (?, '东村第一网格一组', 0) RETURNING id",
				site.ID).Scan(&tc.grid)
		},
		func() error {
			_, err := db.ExecContext(ctx, "INSERT INTO grid_members (user_id, grid_id) VALUES (?, ?)", tc.member.ID, tc.grid)
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	tc.sync(t)
	return tc
}

func (tc *townCentre) sync(t *testing.T) {
	t.Helper()
	if err := tc.worker.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// register has the 网格员 register a dispute of the risk grade at the centre.
func (tc *townCentre) register(t *testing.T, key string, risk app.Risk, summary string) app.Case {
	t.Helper()
	c, _, err := tc.store.RegisterDispute(context.Background(), tc.member, app.GridDispute{Key: key, Grid: tc.grid,
		Service: "mediation", Category: "邻里纠纷", Summary: summary, Risk: risk, FoundAt: time.Now(),
		Parties: []app.Visitor{{Name: "王五福", Phone: "13912345678"}}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// holds reports whether the list box shows the button.
func holds(box *fyne.Container, b fyne.CanvasObject) bool {
	return slices.ContainsFunc(box.Objects, func(o fyne.CanvasObject) bool {
		s, ok := o.(*fyne.Container)
		return ok && slices.Contains(s.Objects, b)
	})
}

// TestGridDisputesAtTheVillage: a 网格员 registers two disputes at the centre; the village hall
// syncs. Its staff open the cases page from the header: the 较大 dispute assigned to the village is
// listed with its source and risk and worked to closure with the case form, with a follow-up, by
// tapping; after the next sync the centre shows it closed, resolved, with the follow-up, each
// change echoed. The 重大 dispute the town keeps is listed apart and opens read-only.
func TestGridDisputesAtTheVillage(t *testing.T) {
	village := newHall(t)
	ctx := context.Background()
	tc := newTownCentre(t, village)
	assigned := tc.register(t, "phone-1", app.RiskHigher, "两户因排水沟争执")
	major := tc.register(t, "phone-2", app.RiskMajor, "十余户与企业的土地纠纷")
	tc.sync(t)

	h := newConsole(t, village.window, 1)
	if err := h.signIn(t, "李明", "1234"); err != nil {
		t.Fatal(err)
	}
	p := &h.sc.cases
	test.Tap(h.sc.header.casesBtn)
	h.until(t, "listing the routed cases", func() bool { return p.cases[assigned.Code] != nil && p.cases[major.Code] != nil })
	if got := p.cases[assigned.Code].Text; !strings.HasPrefix(got, "【登记】 网格排查·较大 邻里纠纷 王*福") || !holds(p.list, p.cases[assigned.Code]) {
		t.Errorf("assigned case line %q, in the worked list %v", got, holds(p.list, p.cases[assigned.Code]))
	}
	if !holds(p.notices, p.cases[major.Code]) || holds(p.list, p.cases[major.Code]) ||
		!strings.Contains(p.cases[major.Code].Text, "网格排查·重大") {
		t.Errorf("the town's case is not listed apart: %q", p.cases[major.Code].Text)
	}

	test.Tap(p.cases[major.Code])
	if p.work.Visible() || p.owner.Text != "当前办理：镇综治中心" {
		t.Errorf("the town's case offers the form: owner %q, form %v", p.owner.Text, p.work.Visible())
	}
	if hist := historyText(p); !strings.Contains(hist, "告知本村（东村网格员）") {
		t.Errorf("notice history:\n%s", hist)
	}

	test.Tap(p.cases[assigned.Code])
	if !p.work.Visible() || p.owner.Text != "当前办理：本厅" {
		t.Fatalf("the assigned case is not worked here: owner %q, form %v", p.owner.Text, p.work.Visible())
	}
	if hist := historyText(p); !strings.Contains(hist, "交本村办理（东村网格员）") {
		t.Errorf("assigned history:\n%s", hist)
	}
	test.Type(p.note, "已上门了解情况")
	test.Tap(p.addNote)
	if err := h.wait(t, ActNoteHanded); err != nil {
		t.Fatal(err)
	}
	p.form.handling.SetSelected(HandleMediation)
	p.form.result.SetSelected(app.ResultResolved.Label())
	test.Type(p.form.note, "村调委会调解，双方达成协议")
	test.Tap(p.form.save)
	if err := h.wait(t, ActSaveHanded); err != nil {
		t.Fatal(err)
	}
	if hist := historyText(p); !strings.Contains(hist, "回访记录（李明）  已上门了解情况") || p.work.Visible() {
		t.Errorf("after closing:\n%s", hist)
	}

	tc.sync(t)
	c, err := tc.store.Case(ctx, assigned.Code)
	if err != nil || c.Status != app.CaseClosed || c.Result != app.ResultResolved || c.Owner != app.OwnerHall {
		t.Fatalf("the centre's case after the sync: %s %s %s, %v", c.Status, c.Result, c.Owner, err)
	}
	if !slices.ContainsFunc(c.History, func(e app.CaseEntry) bool { return e.Note == "已上门了解情况" && e.By == "李明" }) {
		t.Errorf("the follow-up did not reach the centre: %+v", c.History)
	}
	var waiting, refused int
	if err := tc.store.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM changes WHERE echo_event IS NULL),
		(SELECT count(*) FROM events WHERE outcome = 'refused')`).Scan(&waiting, &refused); err != nil {
		t.Fatal(err)
	}
	if waiting != 0 || refused != 0 {
		t.Errorf("%d changes wait for their echo, %d events refused", waiting, refused)
	}
}
