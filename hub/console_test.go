package hub_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

func newConsoleHub(t testing.TB) (*httptest.Server, *store.Console) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	con := store.NewConsole(store.NewHall(db, testInfo(), app.DefaultRules(), nil),
		func(name, pin string) bool { return (name == "王芳" || name == "李明") && pin == "1234" })
	srv := httptest.NewServer(hub.NewServer(con, tokens, nil))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		db.Close()
	})
	return srv, con
}

func TestConsoleAPI(t *testing.T) {
	srv, _ := newConsoleHub(t)
	ctx := context.Background()
	win := hub.NewClient(srv.URL, window)
	kio := hub.NewClient(srv.URL, kiosk)
	rate := hub.NewClient(srv.URL, "rating-token-00000")

	if _, err := win.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "0000"}); app.ErrorCode(err) != app.ESIGNIN {
		t.Fatalf("wrong PIN: %v", err)
	}
	if _, err := kio.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234"}); app.ErrorCode(err) != "forbidden" {
		t.Fatalf("kiosk signing in: %v", err)
	}
	s, err := win.SignIn(ctx, app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := win.CallNext(ctx, s.Token); app.ErrorCode(err) != app.ENONE {
		t.Fatalf("call with nobody waiting: %v", err)
	}
	v := &app.Visitor{IDNumber: "11010519491231002X", Name: "李四", Phone: "13900001111"}
	issued, err := kio.Issue(ctx, app.IssueRequest{Service: "legal", Visitor: v})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := win.CallNext(ctx, s.Token)
	if err != nil || tk.ID != issued.ID {
		t.Fatalf("call next = %+v, %v", tk, err)
	}
	h, err := win.History(ctx, s.Token)
	if err != nil || h.Visitor == nil || h.Visitor.Name != "李*" || h.Case == nil {
		t.Fatalf("history = %+v, %v", h, err)
	}
	full, err := win.Reveal(ctx, s.Token)
	if err != nil || full.IDNumber != v.IDNumber {
		t.Fatalf("reveal = %+v, %v", full, err)
	}
	if _, err := win.Reveal(ctx, "nope"); app.ErrorCode(err) != app.ESESSION {
		t.Fatalf("reveal with a bad session: %v", err)
	}
	if _, err := win.Complete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := win.Rate(ctx, app.RateRequest{Window: 1, Ticket: tk.ID, Score: app.Satisfied}); app.ErrorCode(err) != "forbidden" {
		t.Fatalf("window rating: %v", err)
	}
	r, err := rate.Rate(ctx, app.RateRequest{Window: 1, Ticket: tk.ID, Score: app.VeryDissatisfied})
	if err != nil || !r.Flagged || r.Staff != "王芳" {
		t.Fatalf("rate = %+v, %v", r, err)
	}
	flagged, err := win.Ratings(ctx, true)
	if err != nil || len(flagged) != 1 {
		t.Fatalf("flagged = %+v, %v", flagged, err)
	}
	st, err := win.WindowStats(ctx, 1)
	if err != nil || st.Called != 1 || st.Completed != 1 || st.Flagged != 1 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if err := win.SignOut(ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := win.CallNext(ctx, s.Token); app.ErrorCode(err) != app.ESESSION {
		t.Fatalf("call after sign-out: %v", err)
	}
}

func TestConsoleRoutesNeedConsole(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := httptest.NewServer(hub.NewServer(store.NewHall(db, testInfo(), app.DefaultRules(), nil), tokens, nil))
	defer srv.Close()
	c := hub.NewClient(srv.URL, window)
	_, err = c.SignIn(context.Background(), app.SignInRequest{Window: 1, Name: "王芳", PIN: "1234"})
	if app.ErrorCode(err) != "not_implemented" {
		t.Fatalf("sign-in on a hub without consoles: %v", err)
	}
	c.SetSession("some-session-token")
	if _, err := c.Complete(context.Background(), 1); app.ErrorCode(err) != "not_implemented" {
		t.Fatalf("window action on a hub without sessions: %v", err)
	}
}

// Two consoles call at once, many times, through a real hub over loopback: no ticket is ever
// given to both.
func TestTwoConsolesNeverCallTheSameTicket(t *testing.T) {
	srv, _ := newConsoleHub(t)
	ctx := context.Background()
	kio := hub.NewClient(srv.URL, kiosk)
	const n = 120
	for i := 0; i < n; i++ {
		if _, err := kio.Issue(ctx, app.IssueRequest{Service: []string{"petition", "legal", "hotline", "mediation"}[i%4]}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w, name := range map[int]string{1: "王芳", 2: "李明"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := hub.NewClient(srv.URL, window)
			s, err := c.SignIn(ctx, app.SignInRequest{Window: w, Name: name, PIN: "1234"})
			if err != nil {
				t.Error(err)
				return
			}
			for i := 0; ; i++ {
				var tk app.Ticket
				if i%2 == 0 {
					tk, err = c.CallNext(ctx, s.Token)
				} else {
					tk, err = c.Call(ctx, w)
				}
				if app.ErrorCode(err) == app.ENONE {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[tk.ID] = w
				mu.Unlock()
				if _, err := c.Complete(ctx, w); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d distinct tickets called, want %d", len(seen), n)
	}
	st1, _ := hub.NewClient(srv.URL, window).WindowStats(ctx, 1)
	st2, _ := hub.NewClient(srv.URL, window).WindowStats(ctx, 2)
	if st1.Completed+st2.Completed != n || st1.Called+st2.Called != n {
		t.Fatalf("window 1 %+v, window 2 %+v: a ticket was called twice or lost", st1, st2)
	}
}
