package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"fengqiao/app"
)

// TestApplyRecovered: a hall rebuilt from another's event log (as the centre returns it) holds the
// same queue, cases with their history and visitor, and tickets; its counters skip the margin,
// and a client's id from the old epoch counts as lost and skips as many numbers.
func TestApplyRecovered(t *testing.T) {
	ctx := context.Background()
	src, c := setup(t, nil)
	var codes []string
	for i, svc := range []string{"petition", "petition", "mediation"} {
		tk, err := src.Issue(ctx, app.IssueRequest{Service: svc,
			Visitor: &app.Visitor{IDNumber: idNumber("19800101", "00"+string(rune('1'+i))), Name: "张三", Phone: "13800138000"}})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, tk.CaseCode)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(src.Call(ctx, 1))
	must(src.Start(ctx, 1))
	must(src.Transfer(ctx, 1, "legal"))
	must(src.Call(ctx, 2))
	must(src.ChangeCase(ctx, codes[1], app.CaseChange{Status: app.CaseAccepted, Note: "受理"}))
	must(src.AddFollowUp(ctx, codes[1], "电话回访", "王芳"))
	must(src.Escalate(ctx, codes[2], "上报", "王芳"))
	must(src.SetPaused(ctx, 3, true))
	must(src.RequestHelp(ctx, "大厅自助机"))

	log, err := src.DB().Outbox(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	dst := newHall(t, filepath.Join(t.TempDir(), "rebuilt.db"), c, nil)
	if err := dst.DB().StartRecovery(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Issue(ctx, app.IssueRequest{Service: "petition"}); code(err) != app.EUNAVAILABLE {
		t.Fatalf("issue while recovering: err = %v, want %s", err, app.EUNAVAILABLE)
	}
	for _, page := range [][]int{{0, 5}, {5, len(log)}} {
		if err := dst.ApplyRecovered(ctx, log[page[0]:page[1]]); err != nil {
			t.Fatal(err)
		}
	}
	last := log[len(log)-1].ID
	if err := dst.FinishRecovery(ctx, last, []string{src.Epoch()}, nil); err != nil {
		t.Fatal(err)
	}
	for _, code := range codes {
		a, err1 := src.Case(ctx, code)
		b, err2 := dst.Case(ctx, code)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("case %s:\nsource  %+v %v\nrebuilt %+v %v", code, a, err1, b, err2)
		}
	}
	qa, _ := src.Queue(ctx)
	qb, _ := dst.Queue(ctx)
	if !reflect.DeepEqual(qa, qb) {
		t.Errorf("queue:\nsource  %+v\nrebuilt %+v", qa, qb)
	}
	if open, _ := dst.OpenCases(ctx, idNumber("19800101", "002")); len(open) != 1 || open[0].Code != codes[1] {
		t.Errorf("open cases of the second visitor: %+v", open)
	}
	st, err := dst.DB().SyncState(ctx)
	if err != nil || st.Pushed != last || st.Backlog != 0 || st.Recovering {
		t.Fatalf("sync state after recovery: %+v %v", st, err)
	}

	// A display saw 4 more events of the source's epoch than came back.
	if err := dst.NoteClientSeen(ctx, src.Epoch(), last+4); err != nil {
		t.Fatal(err)
	}
	tk, err := dst.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil {
		t.Fatal(err)
	}
	if want := app.FormatLabel("A", 2+20+4+1); tk.Label != want { // A002 was the last, then the margin and the lost
		t.Errorf("first number after recovery = %s, want %s", tk.Label, want)
	}
	if st, _ := dst.DB().SyncState(ctx); st.Lost != 4 {
		t.Errorf("lost = %d, want 4", st.Lost)
	}
}
