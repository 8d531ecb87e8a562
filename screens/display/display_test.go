package display

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

func testInfo() app.Info {
	return app.Info{Name: "枫桥镇社会治理综合服务中心", Services: app.DefaultServices(),
		Windows: []app.Window{
			{ID: 1, Name: "1号窗口", Services: []string{"petition", "hotline"}},
			{ID: 2, Name: "2号窗口", Services: []string{"legal", "mediation"}},
			{ID: 3, Name: "3号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}}}}
}

func called(kind app.EventKind, label string, window int, service string) app.Event {
	return app.Event{Kind: kind, Window: window, Ticket: &app.Ticket{Label: label, Window: window, Service: service}}
}

func TestModel(t *testing.T) {
	m := NewModel(testInfo(), 3)
	m.SetQueue(app.QueueStatus{Services: []app.ServiceQueue{{Service: "petition", Waiting: 2}}})
	steps := []struct {
		ev       app.Event
		isCall   bool
		number   string
		history  []string
		petition int
	}{
		{called(app.EventIssued, "A003", 0, "petition"), false, "", nil, 3},
		{called(app.EventCalled, "A001", 2, "petition"), true, "请 A001 号", []string{"A001"}, 2},
		{called(app.EventCalled, "A002", 1, "petition"), true, "请 A002 号", []string{"A002", "A001"}, 1},
		{called(app.EventRecalled, "A001", 2, "petition"), true, "请 A001 号", []string{"A001", "A002"}, 1},
		{called(app.EventCalled, "B001", 3, "legal"), true, "请 B001 号", []string{"B001", "A001", "A002"}, 1},
		{called(app.EventCalled, "A003", 1, "petition"), true, "请 A003 号", []string{"A003", "B001", "A001"}, 0},
		{called(app.EventCompleted, "A003", 1, "petition"), false, "请 A003 号", []string{"A003", "B001", "A001"}, 0},
	}
	for i, st := range steps {
		c, ok := m.Apply(st.ev)
		if ok != st.isCall {
			t.Fatalf("step %d: call = %v", i, ok)
		}
		if ok {
			if num, _ := c.Headline(); num != st.number {
				t.Errorf("step %d: headline %q, want %q", i, num, st.number)
			}
			if _, where := c.Headline(); where != "到 "+c.WindowName+" 办理" || c.WindowName == "" {
				t.Errorf("step %d: where %q", i, where)
			}
		}
		var labels []string
		for _, h := range m.History {
			labels = append(labels, h.Label)
		}
		if st.history != nil && !slices.Equal(labels, st.history) {
			t.Errorf("step %d: history %v, want %v", i, labels, st.history)
		}
		if m.Waiting[0].Count != st.petition {
			t.Errorf("step %d: petition waiting %d, want %d", i, m.Waiting[0].Count, st.petition)
		}
	}
}

// loopbackHall starts a real hub (store + HTTP on loopback) and returns window and display clients.
func loopbackHall(t testing.TB) (kiosk, window, display *hub.Client) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	h := store.NewConsole(store.NewHall(db, testInfo(), app.DefaultRules(), nil), func(name, pin string) bool { return pin == "2468" })
	tokens := map[string]app.Role{"kiosk-token-000000": app.RoleKiosk, "window-token-00000": app.RoleWindow,
		"display-token-0000": app.RoleDisplay}
	srv := httptest.NewServer(hub.NewServer(h, tokens, nil))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		db.Close()
	})
	// Window actions need the window's signed-in staff session, which the client keeps.
	window = hub.NewClient(srv.URL, "window-token-00000")
	if _, err := window.SignIn(context.Background(), app.SignInRequest{Window: 2, Name: "王芳", PIN: "2468"}); err != nil {
		t.Fatal(err)
	}
	return hub.NewClient(srv.URL, "kiosk-token-000000"), window, hub.NewClient(srv.URL, "display-token-0000")
}

// runBoard starts a board on the display client; shown receives each call once it is on screen.
func runBoard(t testing.TB, c *hub.Client) (*Screen, chan Call) {
	test.NewTempApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := New(testInfo(), Options{})
	w := test.NewTempWindow(t, s.Content())
	w.Resize(w.Content().MinSize())
	shown := make(chan Call, 16)
	s.OnShown = func(c Call) { shown <- c }
	go s.Run(ctx, c)
	// The board is subscribed once it has taken its first snapshot; wait for the hub to have it.
	for i := 0; i < 100; i++ {
		if _, err := c.Queue(ctx); err == nil {
			break
		}
	}
	return s, shown
}

func TestBoardShowsCall(t *testing.T) {
	kiosk, window, display := loopbackHall(t)
	ctx := context.Background()
	s, shown := runBoard(t, display)
	if _, err := kiosk.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
		t.Fatal(err)
	}
	// The subscription may start after the first call; call until the board shows one.
	var c Call
	for {
		if _, err := window.Call(ctx, 2); err != nil && app.ErrorCode(err) != app.ECONFLICT {
			t.Fatal(err)
		}
		select {
		case c = <-shown:
		case <-time.After(2 * time.Second):
			window.Recall(ctx, 2)
			continue
		}
		break
	}
	if c.Label != "B001" || c.WindowName != "2号窗口" {
		t.Fatalf("shown %+v", c)
	}
	if got := s.Number(); got != "请 B001 号" {
		t.Fatalf("board number %q", got)
	}
}

// The board's clock shows the hall's local time, whatever the TV box's own time zone is.
func TestClockInHallTimeZone(t *testing.T) {
	test.NewTempApp(t)
	info := app.Info{Name: "测试大厅", TimeZone: "Asia/Shanghai", Services: app.DefaultServices()}
	s := New(info, Options{Now: func() time.Time { return time.Date(2026, 11, 27, 22, 42, 4, 0, time.UTC) }})
	test.NewTempWindow(t, s.Content())
	s.tick()
	if got, want := s.clock.Text, "2026年11月28日 星期六  06:42:04"; got != want {
		t.Errorf("clock %q, want %q", got, want)
	}
}
