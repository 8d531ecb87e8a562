package hub_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
	"fengqiao/store"
)

var tokens = map[string]app.Role{
	"kiosk-token-000000": app.RoleKiosk,
	"window-token-00000": app.RoleWindow,
	"display-token-0000": app.RoleDisplay,
	"rating-token-00000": app.RoleRating,
}

func testInfo() app.Info {
	return app.Info{Name: "测试大厅", Phone: "0575-1", PublicURL: "https://zz.example.gov.cn",
		Services: app.DefaultServices(),
		Windows: []app.Window{
			{ID: 1, Name: "1号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
			{ID: 2, Name: "2号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}},
		}}
}

// staffPIN is every test staff member's PIN; 组长 leads the hall.
const staffPIN = "2468"

func newHub(t testing.TB) (*httptest.Server, *store.Console) {
	t.Helper()
	api, hall := newAPI(t)
	srv := httptest.NewServer(api)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv, hall
}

// newAPI returns a hub's handler on a fresh hall with staff sessions.
func newAPI(t testing.TB) (*hub.Server, *store.Console) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hall.db"))
	if err != nil {
		t.Fatal(err)
	}
	hall := store.NewConsole(store.NewHall(db, testInfo(), app.DefaultRules(), nil), func(name, pin string) bool {
		return pin == staffPIN && (name == "王芳" || name == "李明" || name == "组长")
	})
	api := hub.NewServer(hall, tokens, nil)
	api.SetStaff([]hub.StaffMember{{Name: "王芳", ID: "001"}, {Name: "李明", ID: "002"}, {Name: "组长", ID: "009", Lead: true}})
	t.Cleanup(func() { db.Close() })
	return api, hall
}

// signIn signs name in at the window over HTTP and returns the session token.
func signIn(t testing.TB, srv *httptest.Server, window int, name string) string {
	t.Helper()
	r := call(t, srv, "POST", "/api/v1/staff/sign-in", windowTok,
		fmt.Sprintf(`{"window":%d,"name":%q,"pin":%q}`, window, name, staffPIN))
	var s app.StaffSession
	if err := json.Unmarshal([]byte(r.body), &s); err != nil || s.Token == "" {
		t.Fatalf("sign in %s at %d: %d %s", name, window, r.status, r.body)
	}
	return s.Token
}

// signedClient returns a window client signed in as name at the window.
func signedClient(t testing.TB, srv *httptest.Server, window int, name string) *hub.Client {
	t.Helper()
	c := hub.NewClient(srv.URL, windowTok)
	if _, err := c.SignIn(context.Background(), app.SignInRequest{Window: window, Name: name, PIN: staffPIN}); err != nil {
		t.Fatal(err)
	}
	return c
}

type reply struct {
	status int
	body   string
}

func call(t testing.TB, srv *httptest.Server, method, path, token, body string, header ...string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b)}
}

const (
	kiosk  = "kiosk-token-000000"
	window = "window-token-00000"
	// windowTok is window, for tests where window is an int.
	windowTok = window
	display   = "display-token-0000"
	rating    = "rating-token-00000"
)

func TestAuthAndRoles(t *testing.T) {
	srv, _ := newHub(t)
	sess := signIn(t, srv, 1, "王芳")
	tests := []struct {
		name, method, path, token, body string
		status                          int
		session                         string
	}{
		{"no token", "GET", "/api/v1/queue", "", "", 401, ""},
		{"wrong token", "GET", "/api/v1/queue", "nope-nope-nope-nope", "", 401, ""},
		{"display reads queue", "GET", "/api/v1/queue", display, "", 200, ""},
		{"display cannot issue", "POST", "/api/v1/tickets", display, `{"service":"legal"}`, 403, ""},
		{"rating cannot call", "POST", "/api/v1/windows/1/call", rating, "", 403, ""},
		{"kiosk cannot call", "POST", "/api/v1/windows/1/call", kiosk, "", 403, ""},
		{"kiosk issues", "POST", "/api/v1/tickets", kiosk, `{"service":"legal"}`, 201, ""},
		{"kiosk cannot set staff priority", "POST", "/api/v1/tickets", kiosk, `{"service":"legal","priority":"staff"}`, 400, ""},
		{"window without a session cannot set staff priority", "POST", "/api/v1/tickets", window, `{"service":"legal","priority":"staff"}`, 400, ""},
		{"signed-in window sets staff priority", "POST", "/api/v1/tickets", window, `{"service":"legal","priority":"staff"}`, 201, sess},
		{"kiosk cannot change a case", "POST", "/api/v1/cases/X/status", kiosk, `{}`, 403, ""},
		{"health needs no token", "GET", "/healthz", "", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, srv, tt.method, tt.path, tt.token, tt.body, hub.SessionHeader, tt.session)
			if r.status != tt.status {
				t.Errorf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if r.status >= 400 {
				var e hub.ErrorBody
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" || e.Code == "" {
					t.Errorf("error body %q is not {error, code}", r.body)
				}
			}
		})
	}
}

func TestBadInputStoresNothing(t *testing.T) {
	srv, hall := newHub(t)
	bad := []struct{ body, code string }{
		{`{"service":`, "invalid"},
		{`not json`, "invalid"},
		{``, "invalid"},
		{`{"service":"legal","extra":1}`, "invalid"},
		{`{"service":"nope"}`, "invalid"},
		{`{"service":"legal","priority":"vip"}`, "invalid"},
		{`{"service":"legal","visitor":{"id_number":"123"}}`, "invalid"},
		{`{"service":"legal","category":"不存在"}`, "invalid"},
		{`{"service":"legal"}{"service":"legal"}`, "invalid"},
		{`{"service":"legal","link_case":"0000-0000-0000-0000-0000"}`, "not_found"},
	}
	for _, b := range bad {
		r := call(t, srv, "POST", "/api/v1/tickets", kiosk, b.body)
		var e hub.ErrorBody
		json.Unmarshal([]byte(r.body), &e)
		if r.status < 400 || r.status >= 500 || e.Code != b.code {
			t.Errorf("body %q: %d %s, want 4xx with code %s", b.body, r.status, r.body, b.code)
		}
	}
	r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal"}`)
	var tk app.Ticket
	json.Unmarshal([]byte(r.body), &tk)
	if tk.Label != "B001" {
		t.Errorf("after bad requests the first ticket is %s, want B001", tk.Label)
	}
	id, _ := hall.LastEventID(context.Background())
	if id != 2 { // case.opened + ticket.issued
		t.Errorf("%d events logged, want 2", id)
	}
	lead := signIn(t, srv, 1, "组长")
	if r := call(t, srv, "POST", "/api/v1/windows/abc/call", window, "", hub.SessionHeader, lead); r.status != 400 {
		t.Errorf("bad window id: %d", r.status)
	}
	if r := call(t, srv, "POST", "/api/v1/windows/7/call", window, "", hub.SessionHeader, lead); r.status != 404 {
		t.Errorf("unknown window: %d", r.status)
	}
}

func TestCallFlowAndIdempotency(t *testing.T) {
	srv, _ := newHub(t)
	s1, s2 := signIn(t, srv, 1, "王芳"), signIn(t, srv, 2, "李明")
	if r := call(t, srv, "POST", "/api/v1/windows/1/call", window, "", hub.SessionHeader, s1); r.status != 204 {
		t.Fatalf("empty queue call: %d %s", r.status, r.body)
	}
	r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"mediation","category":"邻里纠纷"}`, "Idempotency-Key", "abc")
	r2 := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"mediation","category":"邻里纠纷"}`, "Idempotency-Key", "abc")
	if r.status != 201 || r2.status != 201 || r.body != r2.body {
		t.Fatalf("retried issue differs:\n%s\n%s", r.body, r2.body)
	}
	var tk app.Ticket
	json.Unmarshal([]byte(r.body), &tk)
	if tk.Label != "D001" || tk.CaseCode == "" || tk.Ahead != 0 {
		t.Fatalf("ticket %+v", tk)
	}
	c1 := call(t, srv, "POST", "/api/v1/windows/1/call", window, "", "Idempotency-Key", "call-1", hub.SessionHeader, s1)
	c2 := call(t, srv, "POST", "/api/v1/windows/1/call", window, "", "Idempotency-Key", "call-1", hub.SessionHeader, s1)
	if c1.status != 200 || c1.body != c2.body {
		t.Fatalf("double-pressed call: %d %s / %d %s", c1.status, c1.body, c2.status, c2.body)
	}
	if r := call(t, srv, "POST", "/api/v1/windows/2/call", window, "", hub.SessionHeader, s2); r.status != 204 {
		t.Errorf("second window got a ticket: %d %s", r.status, r.body)
	}
	for _, step := range []string{"recall", "start"} {
		if r := call(t, srv, "POST", "/api/v1/windows/1/"+step, window, "", hub.SessionHeader, s1); r.status != 200 {
			t.Errorf("%s: %d %s", step, r.status, r.body)
		}
	}
	ch := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/status", window, `{"status":"accepted","by":"冒名"}`, hub.SessionHeader, s1)
	if ch.status != 200 || !strings.Contains(ch.body, `"by":"王芳"`) || strings.Contains(ch.body, "冒名") {
		t.Errorf("accept case: %d %s", ch.status, ch.body)
	}
	if r := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/escalate", window, `{"note":"涉及多个村"}`, hub.SessionHeader, s1); r.status != 200 {
		t.Errorf("escalate: %d %s", r.status, r.body)
	}
	// The centre owns the case now: the hall's change clashes with its state (409, as at the centre).
	if r := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/status", window, `{"status":"assigned","unit":"镇司法所","level":"人民调解"}`, hub.SessionHeader, s1); r.status != 409 || !strings.Contains(r.body, `"code":"not_owner"`) {
		t.Errorf("change of a case the centre owns: %d %s, want 409 not_owner", r.status, r.body)
	}
	if r := call(t, srv, "POST", "/api/v1/windows/1/complete", window, "", hub.SessionHeader, s1); r.status != 200 {
		t.Errorf("complete: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "POST", "/api/v1/windows/1/complete", window, "", hub.SessionHeader, s1); r.status != 409 {
		t.Errorf("complete twice: %d %s", r.status, r.body)
	}
	cr := call(t, srv, "GET", "/api/v1/cases/"+strings.ToLower(tk.CaseCode), kiosk, "")
	if cr.status != 200 || !strings.Contains(cr.body, `"status":"registered"`) {
		t.Errorf("case: %d %s", cr.status, cr.body)
	}
	if r := call(t, srv, "POST", "/api/v1/cases/"+tk.CaseCode+"/status", window, `{"status":"assigned"}`, hub.SessionHeader, s1); r.status != 403 {
		t.Errorf("change of a case no longer at the window: %d %s", r.status, r.body)
	}
}

func TestLookupKeepsIDOutOfURL(t *testing.T) {
	srv, _ := newHub(t)
	id := "330681198001011237"
	id = id[:17] + string(app.IDCheckChar(id[:17]))
	r := call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal","visitor":{"id_number":"`+id+`","name":"张三丰","from_card":true}}`)
	if r.status != 201 {
		t.Fatal(r.body)
	}
	l := call(t, srv, "POST", "/api/v1/cases/lookup", kiosk, `{"id_number":"`+id+`"}`)
	if l.status != 200 || !strings.Contains(l.body, "张*丰") || strings.Contains(l.body, "张三丰") || strings.Contains(l.body, id) {
		t.Errorf("lookup reply leaks or misses: %s", l.body)
	}
}

func TestClientRoundTripAndEvents(t *testing.T) {
	srv, _ := newHub(t)
	kc := hub.NewClient(srv.URL, kiosk)
	wc := signedClient(t, srv, 2, "王芳")
	dc := hub.NewClient(srv.URL, display)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	events, err := dc.Subscribe(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the stream is connected: issue tickets until one arrives.
	tk, err := kc.Issue(ctx, app.IssueRequest{Service: "petition"})
	if err != nil || tk.Label != "A001" {
		t.Fatalf("issue via client: %+v %v", tk, err)
	}
	info, err := kc.Info(ctx)
	if err != nil || info.Name != "测试大厅" || len(info.Services) != 4 {
		t.Fatalf("info: %+v %v", info, err)
	}
	if _, err := dc.Issue(ctx, app.IssueRequest{Service: "petition"}); app.ErrorCode(err) != "forbidden" {
		t.Errorf("display issuing: %v", err)
	}
	time.Sleep(100 * time.Millisecond) // the stream connects in the background
	called, err := wc.Call(ctx, 2)
	if err != nil || called.Label != "A001" {
		t.Fatalf("call via client: %+v %v", called, err)
	}
	if _, err := wc.Call(ctx, 1); app.ErrorCode(err) != "forbidden" {
		t.Errorf("window 2 calling for window 1: %v", err)
	}
	for {
		select {
		case ev := <-events:
			if ev.Kind == app.EventCalled {
				if ev.Ticket.Label != "A001" || ev.Window != 2 {
					t.Errorf("called event %+v", ev)
				}
				return
			}
		case <-ctx.Done():
			t.Fatal("no called event over SSE")
		}
	}
}

func TestEventsReplayAfterLastEventID(t *testing.T) {
	srv, _ := newHub(t)
	for i := 0; i < 3; i++ {
		call(t, srv, "POST", "/api/v1/tickets", kiosk, `{"service":"legal"}`)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+display)
	req.Header.Set("Last-Event-ID", "2")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var ids []string
	for sc.Scan() && len(ids) < 4 {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			ids = append(ids, id)
		}
	}
	for i, id := range ids {
		_, ids[i], _ = strings.Cut(id, "-")
	}
	if strings.Join(ids, ",") != "3,4,5,6" {
		t.Errorf("replayed ids %v, want 3..6", ids)
	}
}

func TestTwoConsolesNeverShareATicket(t *testing.T) {
	srv, _ := newHub(t)
	kc := hub.NewClient(srv.URL, kiosk)
	ctx := context.Background()
	const n = 60
	for i := 0; i < n; i++ {
		if _, err := kc.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for w := 1; w <= 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := signedClient(t, srv, w, []string{"", "王芳", "李明"}[w])
			for {
				tk, err := c.Call(ctx, w)
				if app.ErrorCode(err) == app.ENONE {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got[tk.Label]++
				mu.Unlock()
				if _, err := c.Complete(ctx, w); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if len(got) != n {
		t.Errorf("%d distinct tickets called, want %d", len(got), n)
	}
	for l, k := range got {
		if k != 1 {
			t.Errorf("%s called %d times", l, k)
		}
	}
}

func TestHelpAlert(t *testing.T) {
	srv, _ := newHub(t)
	ctx := context.Background()
	kc, wc := hub.NewClient(srv.URL, kiosk), signedClient(t, srv, 1, "王芳")
	a, err := kc.RequestHelp(ctx, "大厅自助机")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.TakeHelp(ctx, a.ID, "x"); app.ErrorCode(err) != "forbidden" {
		t.Errorf("kiosk taking an alert: %v", err)
	}
	open, err := wc.OpenHelp(ctx)
	if err != nil || len(open) != 1 || open[0].Source != "大厅自助机" {
		t.Fatalf("open alerts %+v %v", open, err)
	}
	if got, err := wc.TakeHelp(ctx, a.ID, "冒名"); err != nil || got.TakenBy != "王芳" {
		t.Fatalf("taken by %q (%v), want the session's 王芳", got.TakenBy, err)
	}
	if _, err := wc.TakeHelp(ctx, a.ID, "李明"); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("taking twice: %v", err)
	}
	if open, _ := wc.OpenHelp(ctx); len(open) != 0 {
		t.Errorf("alert still open: %+v", open)
	}
	if _, err := kc.RequestHelp(ctx, ""); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("empty source: %v", err)
	}
}
