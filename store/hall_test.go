package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond) // every event has its own instant
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var shanghai = app.DefaultRules().Location

func testWindows() []app.Window {
	return []app.Window{
		{ID: 1, Name: "1号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
		{ID: 2, Name: "2号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
		{ID: 3, Name: "3号窗口", Services: []string{"mediation"}},
	}
}

func newHall(t testing.TB, path string, c *clock, mod func(*app.Rules)) *store.Hall {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules := app.DefaultRules()
	if mod != nil {
		mod(&rules)
	}
	return store.NewHall(db, app.Info{Name: "测试大厅", Services: app.DefaultServices(), Windows: testWindows()}, rules, c.Now)
}

func setup(t testing.TB, mod func(*app.Rules)) (*store.Hall, *clock) {
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)}
	return newHall(t, filepath.Join(t.TempDir(), "hall.db"), c, mod), c
}

// A valid ID number for someone born on the given date.
func idNumber(birth string, seq string) string {
	first := "330681" + birth + seq
	return first + string(app.IDCheckChar(first))
}

func code(err error) string { return app.ErrorCode(err) }

func TestNumbering(t *testing.T) {
	h, c := setup(t, nil)
	ctx := context.Background()
	want := []string{"A001", "A002", "D001", "A003"}
	for i, svc := range []string{"petition", "petition", "mediation", "petition"} {
		tk, err := h.Issue(ctx, app.IssueRequest{Service: svc})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Label != want[i] {
			t.Errorf("ticket %d = %s, want %s", i, tk.Label, want[i])
		}
		if _, err := app.ParseCaseCode(tk.CaseCode); err != nil {
			t.Errorf("ticket %s has bad case code: %v", tk.Label, err)
		}
	}
	// Midnight in Shanghai: numbers restart with no manual step.
	c.Set(time.Date(2026, 11, 28, 0, 0, 1, 0, shanghai))
	tk, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Label != "A001" || tk.Day != "2026-11-28" {
		t.Errorf("after midnight got %s on %s, want A001 on 2026-11-28", tk.Label, tk.Day)
	}
}

func TestNumberGrowsPast999(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	var last app.Ticket
	for i := 0; i < 1001; i++ {
		var err error
		if last, err = h.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			t.Fatal(err)
		}
	}
	if last.Label != "B1001" {
		t.Errorf("ticket 1001 = %s, want B1001", last.Label)
	}
}

func TestResetTimeConfigurable(t *testing.T) {
	h, c := setup(t, func(r *app.Rules) { r.ResetAt = 4 * 60 })
	ctx := context.Background()
	c.Set(time.Date(2026, 11, 27, 23, 0, 0, 0, shanghai))
	a, _ := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	c.Set(time.Date(2026, 11, 28, 3, 59, 0, 0, shanghai))
	b, _ := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	c.Set(time.Date(2026, 11, 28, 4, 0, 0, 0, shanghai))
	d, _ := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if a.Label != "A001" || b.Label != "A002" || d.Label != "A001" {
		t.Errorf("got %s %s %s, want A001 A002 A001", a.Label, b.Label, d.Label)
	}
}

func TestClosedHall(t *testing.T) {
	h, c := setup(t, func(r *app.Rules) {
		r.Hours = app.Hours{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, Periods: []app.Period{{Start: 510, End: 720}, {Start: 810, End: 1050}}}
	})
	ctx := context.Background()
	c.Set(time.Date(2026, 11, 27, 12, 30, 0, 0, shanghai)) // Friday lunch
	_, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if code(err) != app.ECLOSED {
		t.Fatalf("lunch time: err = %v, want hall_closed", err)
	}
	if want := "Mon-Fri 08:30-12:00, 13:30-17:30"; !contains(err.Error(), want) {
		t.Errorf("reason %q lacks the hours %q", err, want)
	}
	c.Set(time.Date(2026, 11, 28, 10, 0, 0, 0, shanghai)) // Saturday
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "petition"}); code(err) != app.ECLOSED {
		t.Errorf("Saturday: err = %v, want hall_closed", err)
	}
	c.Set(time.Date(2026, 11, 27, 14, 0, 0, 0, shanghai))
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "petition"}); err != nil {
		t.Errorf("Friday afternoon: %v", err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

func TestPerIDLimit(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	v := &app.Visitor{IDNumber: idNumber("19800101", "123"), Name: "张三丰"}
	for i := 0; i < 2; i++ {
		if _, err := h.Issue(ctx, app.IssueRequest{Service: "legal", Visitor: v}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "legal", Visitor: v}); code(err) != app.ELIMIT {
		t.Fatalf("third ticket: err = %v, want limit", err)
	}
	// Another service is another count.
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: v}); err != nil {
		t.Fatal(err)
	}
	// Nothing was stored by the refusal: the next legal ticket is B003 for someone else.
	tk, err := h.Issue(ctx, app.IssueRequest{Service: "legal"})
	if err != nil || tk.Label != "B003" {
		t.Fatalf("next = %s, %v; want B003", tk.Label, err)
	}
}

func TestBadVisitorRefused(t *testing.T) {
	h, _ := setup(t, nil)
	bad := idNumber("19800101", "123")
	bad = bad[:17] + string("0123456789X"[(indexOf("0123456789X", bad[17])+1)%11])
	_, err := h.Issue(context.Background(), app.IssueRequest{Service: "legal", Visitor: &app.Visitor{IDNumber: bad}})
	if code(err) != app.EINVALID {
		t.Fatalf("err = %v, want invalid", err)
	}
	tk, _ := h.Issue(context.Background(), app.IssueRequest{Service: "legal"})
	if tk.Label != "B001" {
		t.Errorf("refused request consumed a number: next is %s", tk.Label)
	}
}

func indexOf(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func TestElderlyPriorityAndFairness(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	old := &app.Visitor{IDNumber: idNumber("19500101", "111")}
	issue := func(req app.IssueRequest) app.Ticket {
		t.Helper()
		tk, err := h.Issue(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	issue(app.IssueRequest{Service: "petition"}) // A001 normal
	issue(app.IssueRequest{Service: "petition"}) // A002 normal
	if tk := issue(app.IssueRequest{Service: "petition", Visitor: old}); tk.Priority != app.PriorityElderly {
		t.Fatalf("76-year-old got priority %q", tk.Priority)
	} // A003 elderly
	issue(app.IssueRequest{Service: "petition", Priority: app.PriorityDisabled}) // A004
	issue(app.IssueRequest{Service: "petition", Priority: app.PriorityPregnant}) // A005
	issue(app.IssueRequest{Service: "petition", Priority: app.PriorityStaff})    // A006
	var got []string
	for i := 0; i < 6; i++ {
		tk, err := h.Call(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tk.Label)
		if _, err := h.Complete(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"A003", "A004", "A001", "A005", "A006", "A002"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("call order %v, want %v", got, want)
	}
	if _, err := h.Call(ctx, 1); code(err) != app.ENONE {
		t.Errorf("empty queue: err = %v, want none_waiting", err)
	}
}

func TestWindowOperations(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	a1, _ := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	h.Issue(ctx, app.IssueRequest{Service: "petition"})
	d1, _ := h.Issue(ctx, app.IssueRequest{Service: "mediation"})

	tk, err := h.Call(ctx, 1)
	if err != nil || tk.Label != "A001" || tk.Window != 1 || tk.Status != app.TicketCalled {
		t.Fatalf("call = %+v, %v", tk, err)
	}
	if _, err := h.Call(ctx, 1); code(err) != app.ECONFLICT {
		t.Errorf("second call while busy: err = %v, want conflict", err)
	}
	for i := 1; i <= 3; i++ {
		tk, err := h.Recall(ctx, 1)
		if err != nil || tk.Recalls != i {
			t.Fatalf("recall %d = %d, %v", i, tk.Recalls, err)
		}
	}
	if _, err := h.Recall(ctx, 1); code(err) != app.ECONFLICT {
		t.Errorf("fourth recall: err = %v, want conflict", err)
	}
	// Transfer A001 to mediation: it keeps its label and arrival, so window 3 calls it before D001.
	tk, err = h.Transfer(ctx, 1, "mediation")
	if err != nil || tk.Label != "A001" || tk.Service != "mediation" || !tk.ArrivedAt.Equal(a1.ArrivedAt) {
		t.Fatalf("transfer = %+v, %v", tk, err)
	}
	tk, err = h.Call(ctx, 3)
	if err != nil || tk.Label != "A001" {
		t.Fatalf("window 3 called %s, %v; want A001 (arrived before %s)", tk.Label, err, d1.Label)
	}
	if tk, err = h.Start(ctx, 3); err != nil || tk.Status != app.TicketServing {
		t.Fatalf("start = %+v, %v", tk, err)
	}
	if tk, err = h.Hold(ctx, 3); err != nil || tk.Status != app.TicketHeld {
		t.Fatalf("hold = %+v, %v", tk, err)
	}
	if tk, err = h.Call(ctx, 3); err != nil || tk.Label != "D001" {
		t.Fatalf("call while A001 held = %s, %v", tk.Label, err)
	}
	if _, err := h.Resume(ctx, 3, "A001"); code(err) != app.ECONFLICT {
		t.Errorf("resume while busy: err = %v, want conflict", err)
	}
	if tk, err = h.Skip(ctx, 3); err != nil || tk.Status != app.TicketSkipped {
		t.Fatalf("skip = %+v, %v", tk, err)
	}
	if tk, err = h.Resume(ctx, 3, "A001"); err != nil || tk.Status != app.TicketServing {
		t.Fatalf("resume = %+v, %v", tk, err)
	}
	if tk, err = h.Complete(ctx, 3); err != nil || tk.Status != app.TicketDone || tk.CompletedAt == nil {
		t.Fatalf("complete = %+v, %v", tk, err)
	}
	// A skipped ticket can be called out of turn.
	if tk, err = h.CallNumber(ctx, 2, "D001"); err != nil || tk.Window != 2 {
		t.Fatalf("call D001 out of turn = %+v, %v", tk, err)
	}
	if _, err := h.CallNumber(ctx, 1, "A001"); code(err) != app.ECONFLICT {
		t.Errorf("calling a done ticket: err = %v, want conflict", err)
	}
	// Pause.
	if _, err := h.SetPaused(ctx, 1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Call(ctx, 1); code(err) != app.EPAUSED {
		t.Errorf("paused window call: err = %v, want window_paused", err)
	}
	if _, err := h.SetPaused(ctx, 1, false); err != nil {
		t.Fatal(err)
	}
	if tk, err := h.Call(ctx, 1); err != nil || tk.Label != "A002" {
		t.Errorf("after resume call = %s, %v", tk.Label, err)
	}
	q, err := h.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.Windows[0].Current == nil || q.Windows[0].Current.Label != "A002" {
		t.Errorf("queue window 1 current = %+v", q.Windows[0].Current)
	}
	if _, err := h.Call(ctx, 9); code(err) != app.ENOTFOUND {
		t.Errorf("unknown window: err = %v", err)
	}
}

func TestConcurrentIssueAndCall(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	const n = 200
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/8; i++ {
				tk, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[tk.Label] {
					t.Errorf("%s issued twice", tk.Label)
				}
				seen[tk.Label] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	called := map[string]int{}
	for w := 1; w <= 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				tk, err := h.Call(ctx, w)
				if code(err) == app.ENONE {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				called[tk.Label]++
				mu.Unlock()
				if _, err := h.Complete(ctx, w); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if len(called) != n {
		t.Errorf("%d tickets called, want %d", len(called), n)
	}
	for l, k := range called {
		if k != 1 {
			t.Errorf("%s called %d times", l, k)
		}
	}
}

func TestIdempotency(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := app.WithIdempotencyKey(context.Background(), "k1")
	a, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil || b.Label != a.Label || b.CaseCode != a.CaseCode {
		t.Fatalf("retry gave %s, %v; want %s again", b.Label, err, a.Label)
	}
	if _, err := h.Call(ctx, 1); code(err) != app.EIDEMPOTENCY {
		t.Errorf("key reused for another request: err = %v, want %s", err, app.EIDEMPOTENCY)
	}
	c, _ := h.Issue(context.Background(), app.IssueRequest{Service: "petition"})
	if c.Label != "A002" {
		t.Errorf("next ticket %s, want A002", c.Label)
	}
}

func TestCaseLifecycle(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	v := &app.Visitor{IDNumber: idNumber("19800101", "123"), Name: "张三丰", Phone: "13812345678"}
	tk, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.Case(ctx, tk.CaseCode)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != app.CaseRegistered || c.Visitor == nil || c.Visitor.Name != "张*丰" ||
		c.Visitor.IDNumber != "330681********"+v.IDNumber[14:] || c.Visitor.Phone != "138****5678" {
		t.Fatalf("new case = %+v visitor %+v", c, c.Visitor)
	}
	steps := []struct {
		change app.CaseChange
		code   string
	}{
		{app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved}, app.ETRANSITION},
		{app.CaseChange{Status: app.CaseAccepted}, ""},
		{app.CaseChange{Status: app.CaseAssigned, Unit: "司法所"}, app.EINVALID},
		{app.CaseChange{Status: app.CaseAssigned, Unit: "司法所", Level: "人民调解"}, ""},
		{app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral}, app.EINVALID},
		{app.CaseChange{Status: app.CaseHandling, Handling: app.HandlingReferral, Department: "派出所"}, ""},
		{app.CaseChange{Status: app.CaseClosed}, app.EINVALID},
		{app.CaseChange{Status: app.CaseClosed, Result: app.ResultResolved}, ""},
		{app.CaseChange{Status: app.CaseAccepted}, app.ETRANSITION},
	}
	for i, s := range steps {
		_, err := h.ChangeCase(ctx, tk.CaseCode, s.change)
		if code(err) != s.code {
			t.Errorf("step %d (%s): err = %v, want code %q", i, s.change.Status, err, s.code)
		}
	}
	c, _ = h.Case(ctx, tk.CaseCode)
	if c.Status != app.CaseClosed || c.Result != app.ResultResolved || c.Department != "派出所" || c.ClosedAt == nil {
		t.Errorf("closed case = %+v", c)
	}
	if n := len(c.History); n != 5 {
		t.Errorf("history has %d entries, want 5", n)
	}
}

func TestLinkAndOwnership(t *testing.T) {
	h, _ := setup(t, nil)
	ctx := context.Background()
	v := &app.Visitor{IDNumber: idNumber("19800101", "123"), FromCard: true}
	other := &app.Visitor{IDNumber: idNumber("19900101", "456")}
	first, _ := h.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: v})
	open, err := h.OpenCases(ctx, v.IDNumber)
	if err != nil || len(open) != 1 || open[0].Code != first.CaseCode {
		t.Fatalf("open cases = %+v, %v", open, err)
	}
	second, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: v, LinkCase: first.CaseCode})
	if err != nil || second.CaseCode != first.CaseCode {
		t.Fatalf("linked ticket = %+v, %v", second, err)
	}
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: other, LinkCase: first.CaseCode}); code(err) != app.ENOTFOUND {
		t.Errorf("linking someone else's case: err = %v, want not_found", err)
	}
	c, _ := h.Case(ctx, first.CaseCode)
	if fmt.Sprint(c.Tickets) != "[D001 D002]" {
		t.Errorf("case tickets = %v", c.Tickets)
	}
	if _, err := h.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAccepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Escalate(ctx, first.CaseCode, "涉及多个村", "王芳"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ChangeCase(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "镇司法所", Level: "人民调解"}); code(err) != app.ENOTOWNER {
		t.Errorf("hall changing a centre case: err = %v, want not_owner", err)
	}
	if _, err := h.AddFollowUp(ctx, first.CaseCode, "电话回访，当事人满意", "王芳"); err != nil {
		t.Errorf("follow-up on a centre case: %v", err)
	}
	if _, err := h.ApplyCentreChange(ctx, first.CaseCode, app.CaseChange{Status: app.CaseAssigned, Unit: "镇司法所", Level: "人民调解"}); err != nil {
		t.Errorf("centre change: %v", err)
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)}
	path := filepath.Join(t.TempDir(), "hall.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	h := store.NewHall(db, app.Info{Name: "测试大厅", Services: app.DefaultServices(), Windows: testWindows()}, app.DefaultRules(), c.Now)
	h.Issue(ctx, app.IssueRequest{Service: "petition"})
	db.Close()
	h = newHall(t, path, c, nil)
	tk, err := h.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil || tk.Label != "A002" {
		t.Fatalf("after reopen got %s, %v; want A002", tk.Label, err)
	}
	if err := h.DB().Integrity(ctx); err != nil {
		t.Error(err)
	}
}

func TestSubscribeReplaysAndStreams(t *testing.T) {
	h, _ := setup(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.Issue(ctx, app.IssueRequest{Service: "petition"})
	first, _ := h.LastEventID(ctx)
	h.Issue(ctx, app.IssueRequest{Service: "petition"})
	ch, err := h.Subscribe(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	h.Call(ctx, 1)
	var kinds []app.EventKind
	timeout := time.After(5 * time.Second)
	for len(kinds) < 3 {
		select {
		case ev := <-ch:
			kinds = append(kinds, ev.Kind)
		case <-timeout:
			t.Fatalf("got only %v", kinds)
		}
	}
	want := []app.EventKind{app.EventCaseOpened, app.EventIssued, app.EventCalled}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
}

var _ = errors.New
