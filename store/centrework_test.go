package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fengqiao/app"
)

// escalatedCase opens a case at h and escalates it to the centre.
func escalatedCase(t *testing.T, h interface {
	Issue(context.Context, app.IssueRequest) (app.Ticket, error)
	ChangeCase(context.Context, string, app.CaseChange) (app.Case, error)
	Escalate(context.Context, string, string, string) (app.Case, error)
}) string {
	t.Helper()
	ctx := context.Background()
	v := &app.Visitor{IDNumber: idNumber("19800101", "123"), Name: "张三丰", Phone: "13812345678"}
	tk, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.ChangeCase(ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAccepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Escalate(ctx, tk.CaseCode, "涉及多个村", "王芳"); err != nil {
		t.Fatal(err)
	}
	return tk.CaseCode
}

// The centre's work on an escalated case shows in the village's history; each step is an event
// (the centre's echo), and a repeat under the same key acts once.
func TestCentreWorkOnEscalatedCase(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	cc := escalatedCase(t, h)
	key := func(n int) context.Context { return app.WithIdempotencyKey(ctx, "centre-change/"+string(rune('0'+n))) }
	steps := []struct {
		name string
		do   func(context.Context) (app.Case, error)
		code string
	}{
		{"accept", func(c context.Context) (app.Case, error) { return h.AcceptEscalation(c, cc, "", "李主任") }, ""},
		{"assign", func(c context.Context) (app.Case, error) {
			return h.ApplyCentreChange(c, cc, app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解", By: "李主任"})
		}, ""},
		{"session", func(c context.Context) (app.Case, error) {
			return h.RecordSession(c, cc, app.MediationSession{Date: "2026-11-30", Mediator: "王五", Parties: "张三、李四", Outcome: "择期再调", By: "李主任"})
		}, ""},
		{"session without mediator", func(c context.Context) (app.Case, error) {
			return h.RecordSession(c, cc, app.MediationSession{Date: "2026-11-30", Outcome: "择期再调"})
		}, app.EINVALID},
		{"referral with deadline", func(c context.Context) (app.Case, error) {
			return h.ApplyCentreChange(c, cc, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral,
				Department: "派出所", Deadline: "2026-12-15", By: "李主任"})
		}, ""},
	}
	for i, s := range steps {
		if _, err := s.do(key(i)); code(err) != s.code {
			t.Fatalf("%s: err = %v, want %q", s.name, err, s.code)
		}
		if s.code == "" { // the same change again under its key: the recorded result, nothing twice
			if _, err := s.do(key(i)); err != nil {
				t.Fatalf("%s again: %v", s.name, err)
			}
		}
	}
	c, err := h.Case(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != app.OwnerCentre || c.Status != app.CaseHandling || c.Deadline != "2026-12-15" || c.Department != "派出所" {
		t.Errorf("case = %+v", c)
	}
	var kinds []string
	for _, e := range c.History {
		kinds = append(kinds, e.Kind)
	}
	want := []string{app.EntryStatus, app.EntryStatus, app.EntryEscalated, app.EntryEscalationAccepted, app.EntryStatus,
		app.EntrySession, app.EntryStatus}
	if len(kinds) != len(want) {
		t.Fatalf("history kinds = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("history kinds = %v, want %v", kinds, want)
		}
	}
	if s := c.History[5]; s.Note != "2026-11-30 调解员 王五；到场 张三、李四；择期再调" || s.By != "李主任" {
		t.Errorf("session entry = %+v", s)
	}
	evs, err := h.DB().Outbox(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	count := map[app.EventKind]int{}
	for _, e := range evs {
		count[e.Kind]++
	}
	if count[app.EventEscalationAccepted] != 1 || count[app.EventSession] != 1 || count[app.EventCaseChanged] != 3 {
		t.Errorf("events logged = %v", count)
	}
	// A case the hall still owns takes no centre entry.
	own, _ := h.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: &app.Visitor{IDNumber: idNumber("19900101", "456")}})
	if _, err := h.AcceptEscalation(ctx, own.CaseCode, "", "李主任"); code(err) != app.ENOTOWNER {
		t.Errorf("accepting a hall-owned case: err = %v, want not_owner", err)
	}
}

// A case handed over by the centre is stored with its masked visitor and history, is listed, is
// worked by any window, cannot be escalated again and survives a repeat of the change.
func TestReceiveHandover(t *testing.T) {
	village, _ := setup(t, nil)
	ctx := context.Background()
	cc := escalatedCase(t, village)
	sent, err := village.Case(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	sent.Owner = app.OwnerCentre
	c := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, shanghai)}
	town := newHall(t, filepath.Join(t.TempDir(), "town.db"), c, nil)
	kctx := app.WithIdempotencyKey(ctx, "centre-change/7")
	for range 2 {
		got, err := town.ReceiveHandover(kctx, sent, "移交城关镇大厅办理（来自东村）", "李主任")
		if err != nil {
			t.Fatal(err)
		}
		if got.Owner != app.OwnerHall || got.Visitor == nil || got.Visitor.Name != "张*丰" || len(got.History) != len(sent.History)+1 {
			t.Fatalf("handed case = %+v", got)
		}
	}
	if _, err := town.ReceiveHandover(ctx, sent, "", ""); code(err) != app.ECONFLICT {
		t.Errorf("a second handover of the same case: err = %v, want conflict", err)
	}
	list, err := town.HandedCases(ctx, 50)
	if err != nil || len(list) != 1 || list[0].Code != cc {
		t.Fatalf("handed cases = %+v, %v", list, err)
	}
	if ok, err := town.CaseAtWindow(ctx, 3, cc); err != nil || !ok {
		t.Errorf("a handed case is workable at any window: %v, %v", ok, err)
	}
	if _, err := town.ChangeCase(ctx, cc, app.CaseChange{Status: app.CaseAssigned, Unit: "镇调委会", Level: "人民调解"}); err != nil {
		t.Errorf("the town hall works its handed case: %v", err)
	}
	if _, err := town.Escalate(ctx, cc, "", ""); code(err) != app.ECONFLICT {
		t.Errorf("escalating a handed case: err = %v, want conflict", err)
	}
	if ok, _ := village.CaseAtWindow(ctx, 3, cc); ok {
		t.Error("the village's own case is not at a window that holds no ticket of it")
	}
	evs, _ := town.DB().Outbox(ctx, 0, 100)
	if len(evs) != 2 || evs[0].Kind != app.EventHandedOver || evs[1].Kind != app.EventCaseChanged || len(evs[0].Private) > 0 {
		t.Errorf("town events = %+v", evs)
	}
}

// A town hall rebuilt from its own events (restore, --recover) holds its handed case again, listed
// and workable as before.
func TestHandedCaseRecovered(t *testing.T) {
	village, _ := setup(t, nil)
	ctx := context.Background()
	sent, err := village.Case(ctx, escalatedCase(t, village))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, shanghai)}
	town := newHall(t, filepath.Join(t.TempDir(), "town.db"), c, nil)
	if _, err := town.ReceiveHandover(ctx, sent, "移交", "李主任"); err != nil {
		t.Fatal(err)
	}
	if _, err := town.ChangeCase(ctx, sent.Code, app.CaseChange{Status: app.CaseAssigned, Unit: "派出所", Level: "人民调解"}); err != nil {
		t.Fatal(err)
	}
	if _, err := town.ChangeCase(ctx, sent.Code, app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral,
		Department: "派出所", Deadline: "2026-12-20"}); err != nil {
		t.Fatal(err)
	}
	log, err := town.DB().Outbox(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := newHall(t, filepath.Join(t.TempDir(), "rebuilt.db"), c, nil)
	if err := rebuilt.DB().StartRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rebuilt.ApplyRecovered(ctx, log); err != nil {
		t.Fatal(err)
	}
	if err := rebuilt.FinishRecovery(ctx, log[len(log)-1].ID, []string{town.Epoch()}, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := town.Case(ctx, sent.Code)
	b, err := rebuilt.Case(ctx, sent.Code)
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("rebuilt case:\nsource  %+v\nrebuilt %+v %v", a, b, err)
	}
	if list, err := rebuilt.HandedCases(ctx, 10); err != nil || len(list) != 1 {
		t.Errorf("handed cases after recovery = %d, %v", len(list), err)
	}
	if _, err := rebuilt.ChangeCase(ctx, sent.Code, app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved}); err != nil {
		t.Errorf("working the recovered case: %v", err)
	}
}
