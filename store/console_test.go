package store_test

import (
	"context"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

func staffCheck(name, pin string) bool {
	return (name == "王芳" || name == "李明") && pin == "1234"
}

func setupConsole(t testing.TB) (*store.Console, *clock) {
	h, c := setup(t, nil)
	return store.NewConsole(h, staffCheck), c
}

func TestSignIn(t *testing.T) {
	con, _ := setupConsole(t)
	ctx := context.Background()
	tests := []struct {
		name, staff, pin string
		window           int
		services         []string
		code             string
	}{
		{"wrong PIN", "王芳", "0000", 1, nil, app.ESIGNIN},
		{"unknown name", "张三", "1234", 1, nil, app.ESIGNIN},
		{"unknown window", "王芳", "1234", 9, nil, app.ENOTFOUND},
		{"unknown service", "王芳", "1234", 1, []string{"nope"}, app.EINVALID},
		{"ok", "王芳", "1234", 1, nil, ""},
		{"ok with services", "李明", "1234", 2, []string{"legal"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := con.SignIn(ctx, app.SignInRequest{Window: tc.window, Name: tc.staff, PIN: tc.pin, Services: tc.services})
			if got := app.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && (s.Token == "" || s.Staff != tc.staff || len(s.Services) == 0) {
				t.Errorf("session = %+v", s)
			}
		})
	}
}

func TestSignInLockout(t *testing.T) {
	con, _ := setupConsole(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "9999"})
	}
	if _, err := con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234"}); app.ErrorCode(err) != app.ESIGNIN {
		t.Fatalf("after 5 wrong PINs the right one was accepted: %v", err)
	}
	if _, err := con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "李明", PIN: "1234"}); err != nil {
		t.Fatalf("another staff member is locked out too: %v", err)
	}
}

func TestCallNextServesSessionServices(t *testing.T) {
	con, _ := setupConsole(t)
	ctx := context.Background()
	con.Issue(ctx, app.IssueRequest{Service: "petition"})
	legal, _ := con.Issue(ctx, app.IssueRequest{Service: "legal"})
	s, err := con.SignIn(ctx, app.SignInRequest{Window: 2, Name: "王芳", PIN: "1234", Services: []string{"legal"}})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := con.CallNext(ctx, s.Token)
	if err != nil || tk.ID != legal.ID {
		t.Fatalf("CallNext = %s, %v; want %s", tk.Label, err, legal.Label)
	}
	con.Complete(ctx, 2)
	if _, err := con.CallNext(ctx, s.Token); app.ErrorCode(err) != app.ENONE {
		t.Fatalf("CallNext with only petition waiting = %v, want none waiting", err)
	}
	if _, err := con.CallNext(ctx, "bogus"); app.ErrorCode(err) != app.ESESSION {
		t.Fatalf("CallNext with a bad session = %v", err)
	}
	con.SignOut(ctx, s.Token)
	if _, err := con.CallNext(ctx, s.Token); app.ErrorCode(err) != app.ESESSION {
		t.Fatalf("CallNext after sign-out = %v", err)
	}
}

func TestHistoryRevealAudit(t *testing.T) {
	con, c := setupConsole(t)
	ctx := context.Background()
	id := idNumber("19800101", "123")
	v := &app.Visitor{IDNumber: id, Name: "张三丰", Phone: "13812345678"}
	first, err := con.Issue(ctx, app.IssueRequest{Service: "mediation", Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	// An earlier day's visit whose case is still open.
	c.Set(c.Now().AddDate(0, 0, 1))
	second, err := con.Issue(ctx, app.IssueRequest{Service: "petition", Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234", Services: []string{"petition"}})
	if _, err := con.History(ctx, s.Token); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("History with no current ticket = %v", err)
	}
	if _, err := con.CallNext(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	h, err := con.History(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if h.Ticket.ID != second.ID || h.Visitor == nil || h.Visitor.Name != "张*丰" || h.Case == nil || h.Case.Code != second.CaseCode {
		t.Fatalf("history = %+v", h)
	}
	if len(h.Visits) != 1 || h.Visits[0].Label != first.Label || len(h.Open) != 1 || h.Open[0].Code != first.CaseCode {
		t.Fatalf("visits %+v open %+v", h.Visits, h.Open)
	}
	full, err := con.Reveal(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if full.IDNumber != id || full.Name != "张三丰" || full.Phone != "13812345678" {
		t.Fatalf("reveal = %+v", full)
	}
	audit, err := con.Audit(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Staff != "王芳" || audit[0].Window != 1 || audit[0].Ticket != second.Label ||
		audit[0].CaseCode != second.CaseCode || audit[0].Action != "reveal" {
		t.Fatalf("audit = %+v", audit)
	}
}

func TestRate(t *testing.T) {
	con, _ := setupConsole(t)
	ctx := context.Background()
	s, _ := con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "李明", PIN: "1234"})
	var done []app.Ticket
	for i := 0; i < 3; i++ {
		con.Issue(ctx, app.IssueRequest{Service: "petition"})
		if _, err := con.CallNext(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		tk, err := con.Complete(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, tk)
	}
	tests := []struct {
		name    string
		req     app.RateRequest
		code    string
		flagged bool
	}{
		{"very satisfied", app.RateRequest{Window: 1, Ticket: done[0].ID, Score: app.VerySatisfied}, "", false},
		{"twice", app.RateRequest{Window: 1, Ticket: done[0].ID, Score: app.Dissatisfied}, app.ECONFLICT, false},
		{"wrong window", app.RateRequest{Window: 2, Ticket: done[1].ID, Score: app.Satisfied}, app.ECONFLICT, false},
		{"bad score", app.RateRequest{Window: 1, Ticket: done[1].ID, Score: 9}, app.EINVALID, false},
		{"dissatisfied", app.RateRequest{Window: 1, Ticket: done[1].ID, Score: app.Dissatisfied}, "", true},
		{"very dissatisfied", app.RateRequest{Window: 1, Ticket: done[2].ID, Score: app.VeryDissatisfied}, "", true},
		{"unknown ticket", app.RateRequest{Window: 1, Ticket: 999, Score: app.Satisfied}, app.ENOTFOUND, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := con.Rate(ctx, tc.req)
			if got := app.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && (r.Flagged != tc.flagged || r.Staff != "李明" || r.Label == "") {
				t.Errorf("rating = %+v", r)
			}
		})
	}
	flagged, err := con.Ratings(ctx, true)
	if err != nil || len(flagged) != 2 {
		t.Fatalf("flagged ratings = %+v, %v", flagged, err)
	}
	st, err := con.WindowStats(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Called != 3 || st.Completed != 3 || st.Rated != 3 || st.Satisfied != 1 || st.Flagged != 2 {
		t.Fatalf("stats = %+v", st)
	}
	// Each rating is an event in the outbox, for the centre's 好差评 statistics.
	var n int
	if err := con.DB().Reader().QueryRow("SELECT count(*) FROM events WHERE kind = ? AND body LIKE '%\"score\"%'", app.EventRated).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d rating events logged (%v), want 3", n, err)
	}
}

// TestQueueShowsWhoServes: each window's state names the staff member signed in there, so the
// rating pad can show who serves; a signed-out or expired session names nobody.
func TestQueueShowsWhoServes(t *testing.T) {
	h, c := setup(t, nil)
	con := store.NewConsole(h, staffCheck)
	ctx := context.Background()
	staffAt := func() map[int]string {
		t.Helper()
		q, err := h.Queue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]string{}
		for _, w := range q.Windows {
			if w.Staff != "" {
				out[w.ID] = w.Staff
			}
		}
		return out
	}
	if got := staffAt(); len(got) != 0 {
		t.Fatalf("nobody signed in, got %v", got)
	}
	wang, err := con.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := con.SignIn(ctx, app.SignInRequest{Window: 2, Name: "李明", PIN: "1234"}); err != nil {
		t.Fatal(err)
	}
	if got := staffAt(); got[1] != "王芳" || got[2] != "李明" || len(got) != 2 {
		t.Fatalf("got %v, want 王芳 at 1 and 李明 at 2", got)
	}
	con.SignOut(ctx, wang.Token)
	if got := staffAt(); got[1] != "" || got[2] != "李明" {
		t.Fatalf("after 王芳 signed out, got %v", got)
	}
	c.Set(c.Now().Add(store.SessionMaxAge*time.Second + time.Minute))
	if got := staffAt(); len(got) != 0 {
		t.Fatalf("after the sessions expired, got %v", got)
	}
}
