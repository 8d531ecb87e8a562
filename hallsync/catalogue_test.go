package hallsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
	"fengqiao/wire"
)

// TestCatalogueAndBacklog syncs a hall with a real centre and watches the pushes: the first
// carries the hall's catalogue, later ones do not, each reports what is left to send, and a
// hall with nothing to send still sends its catalogue once. The centre then holds the catalogue,
// the backlog and both contacts.
func TestCatalogueAndBacklog(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, centertest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	token, hash := center.NewToken()
	site, err := s.AddSite(ctx, "城关镇", hash)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var pushes []wire.PushRequest
	centre := center.NewServer(s, quietLogger())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/sync/events" {
			raw, _ := io.ReadAll(r.Body)
			var req wire.PushRequest
			json.Unmarshal(raw, &req)
			mu.Lock()
			pushes = append(pushes, req)
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(raw))
		}
		centre.ServeHTTP(w, r)
	}))
	defer srv.Close()

	// A hall with nothing to send sends its catalogue alone, once.
	quiet := centertest.NewHall(t)
	w, err := hallsync.New(quiet, hallsync.Config{BaseURL: srv.URL, Token: token, BatchSize: 4, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(pushes) != 1 || pushes[0].Catalogue == nil || len(pushes[0].Events) != 0 || pushes[0].Backlog != 0 {
		t.Fatalf("quiet hall pushed %+v, want its catalogue once", pushes)
	}
	got, _ := s.Sites(ctx)
	if got[0].ID != site.ID || got[0].Catalogue == nil || got[0].LastPushAt == nil || got[0].LastPullAt == nil {
		t.Fatalf("centre after the quiet hall: %+v", got[0])
	}
	if svc, ok := findService(got[0].Catalogue.Services, "mediation"); !ok || !svc.Dispute || svc.Name != "矛盾纠纷调解" {
		t.Errorf("the catalogue lacks the dispute mark: %+v", got[0].Catalogue.Services)
	}

	// Events go in batches of four, each saying how many are left; the catalogue does not go
	// again until the worker starts anew.
	for i := range 3 {
		if _, err := quiet.Issue(ctx, app.IssueRequest{Service: "legal", Category: "其他",
			Visitor: &app.Visitor{IDNumber: centertest.IDNumber(i), Name: "测试", Phone: "13800138000"}}); err != nil {
			t.Fatal(err)
		}
	}
	newest, _ := quiet.LastEventID(ctx)
	pushes = nil
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var sent int64
	for i, p := range pushes {
		sent += int64(len(p.Events))
		if p.Catalogue != nil || p.Backlog != newest-p.Events[len(p.Events)-1].ID {
			t.Errorf("push %d: catalogue %v, backlog %d after event %d of %d", i, p.Catalogue != nil, p.Backlog,
				p.Events[len(p.Events)-1].ID, newest)
		}
	}
	if sent != newest || len(pushes) < 2 {
		t.Errorf("%d pushes sent %d events of %d", len(pushes), sent, newest)
	}
	w2, err := hallsync.New(quiet, hallsync.Config{BaseURL: srv.URL, Token: token, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	pushes = nil
	if err := w2.Sync(ctx); err != nil || len(pushes) != 1 || pushes[0].Catalogue == nil {
		t.Errorf("a restarted worker sends its catalogue: %v, %+v", err, pushes)
	}
}

func findService(svcs []app.Service, code string) (app.Service, bool) {
	for _, s := range svcs {
		if s.Code == code {
			return s, true
		}
	}
	return app.Service{}, false
}
