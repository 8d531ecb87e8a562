package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fengqiao/app"
)

// routedCase is a dispute a 网格员 registered, as the centre sends it to the village's hall.
func routedCase(risk app.Risk) app.Case {
	at := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	v := app.Visitor{Name: "王五福", IDNumber: "11010519491231002X"}.Masked()
	return app.Case{Code: app.NewCentreCaseCode(), Service: "mediation", Category: "邻里纠纷", Status: app.CaseRegistered,
		Owner: app.OwnerHall, Summary: "排水沟纠纷", OpenedAt: at, UpdatedAt: at, Source: app.SourceGrid, Risk: risk,
		Grid: "一组", Visitor: &v, History: []app.CaseEntry{{At: at, Kind: app.EntryStatus, Status: app.CaseRegistered, By: "网格员"}}}
}

// TestRoutedCases: the village hall owns an assigned dispute (any window works it, it may be
// escalated) and holds a noticed one read-only; receiving is idempotent per change; both come back
// whole when the hall is rebuilt from its log.
func TestRoutedCases(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, shanghai)}
	h := newHall(t, filepath.Join(t.TempDir(), "village.db"), c, nil)
	assigned, major := routedCase(app.RiskGeneral), routedCase(app.RiskMajor)
	kctx := app.WithIdempotencyKey(ctx, "centre-change/1")
	for range 2 {
		if _, err := h.ReceiveAssigned(kctx, assigned, "交本村办理", "网格员"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.ReceiveAssigned(app.WithIdempotencyKey(ctx, "centre-change/9"), assigned, "", ""); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("the same case assigned twice: %v, want conflict", err)
	}
	if _, err := h.ReceiveNotice(app.WithIdempotencyKey(ctx, "centre-change/2"), major, "告知", "网格员"); err != nil {
		t.Fatal(err)
	}
	got, err := h.Case(ctx, assigned.Code)
	if err != nil || got.Owner != app.OwnerHall || got.Source != app.SourceGrid || got.Risk != app.RiskGeneral || got.Grid != "一组" {
		t.Fatalf("assigned case = %+v, %v", got, err)
	}
	for _, w := range []int{1, 3} {
		if ok, err := h.CaseAtWindow(ctx, w, assigned.Code); err != nil || !ok {
			t.Errorf("window %d may not work the assigned case: %v", w, err)
		}
	}
	if ok, _ := h.CaseAtWindow(ctx, 1, major.Code); ok {
		t.Error("a window may work the town's case")
	}
	if _, err := h.ChangeCase(ctx, major.Code, app.CaseChange{Status: app.CaseAccepted}); app.ErrorCode(err) != app.ENOTOWNER {
		t.Errorf("changing the town's case: %v, want not_owner", err)
	}
	if _, err := h.ChangeCase(ctx, assigned.Code, app.CaseChange{Status: app.CaseAccepted}); err != nil {
		t.Fatal(err)
	}
	if list, err := h.HandedCases(ctx, 10); err != nil || len(list) != 2 {
		t.Errorf("listed %d routed cases, %v; want 2", len(list), err)
	}

	log, err := h.DB().Outbox(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []app.EventKind
	for _, e := range log {
		kinds = append(kinds, e.Kind)
	}
	if want := []app.EventKind{app.EventAssigned, app.EventNoticed, app.EventCaseChanged}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("logged %v, want %v", kinds, want)
	}
	rebuilt := newHall(t, filepath.Join(t.TempDir(), "rebuilt.db"), c, nil)
	if err := rebuilt.DB().StartRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rebuilt.ApplyRecovered(ctx, log); err != nil {
		t.Fatal(err)
	}
	if err := rebuilt.FinishRecovery(ctx, log[len(log)-1].ID, []string{h.Epoch()}, nil); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{assigned.Code, major.Code} {
		a, _ := h.Case(ctx, code)
		b, err := rebuilt.Case(ctx, code)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("rebuilt case:\nsource  %+v\nrebuilt %+v %v", a, b, err)
		}
	}
	if ok, _ := rebuilt.CaseAtWindow(ctx, 2, assigned.Code); !ok {
		t.Error("the rebuilt hall's windows may not work the assigned case")
	}
}
