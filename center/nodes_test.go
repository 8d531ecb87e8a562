package center_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/wire"
)

// node is one centre server: its own store (its own pool) on the shared database, behind its own
// HTTP server, as `fengqiao-center serve` runs on each machine behind a load balancer.
type node struct {
	st  *sqlstore.Store
	srv *httptest.Server
}

func newNode(t *testing.T, dsn string, opts ...center.Option) node {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(center.NewServer(st, slog.New(slog.DiscardHandler), opts...))
	t.Cleanup(func() { srv.Close(); st.Close() })
	return node{st: st, srv: srv}
}

// pushTo pushes a batch to a node with the site's token and returns the status and the reply.
func pushTo(n node, token string, evs []wire.Event) (int, wire.PushReply, string, error) {
	body, _ := json.Marshal(wire.PushRequest{Events: evs})
	req, _ := http.NewRequest("POST", n.srv.URL+"/api/v1/sync/events", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, wire.PushReply{}, "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var reply wire.PushReply
	if resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(raw, &reply)
	}
	return resp.StatusCode, reply, string(raw), err
}

// TestTwoNodesApplyEachEventOnce has one hall push to two centre nodes at once, round after
// round: every batch overlaps the last one, and each is sent to both nodes, some twice. Every
// push must be answered 200 with a mark at least the end of its batch, and in the end the
// centre holds each event once, with the same cases, tickets and history as a centre that took
// the events one push at a time.
func TestTwoNodesApplyEachEventOnce(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := be.DSN(t)
			a, b := newNode(t, dsn), newNode(t, dsn)
			token, hash := center.NewToken()
			site, err := a.st.AddSite(ctx, "枫源村", hash)
			if err != nil {
				t.Fatal(err)
			}
			h := centertest.NewHall(t)
			const rounds = 25
			var acked int64
			for round := range rounds {
				for i := range 4 {
					v := app.Visitor{IDNumber: centertest.IDNumber(round*4 + i), Name: "张三", Phone: "13800138000"}
					tk, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷", Visitor: &v})
					if err != nil {
						t.Fatal(err)
					}
					if i%2 == 0 {
						if _, err := h.ChangeCase(ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAccepted, Note: "受理"}); err != nil {
							t.Fatal(err)
						}
					}
				}
				evs := centertest.Outbox(t, h.DB(), 0)
				from := int(acked) // index of the first event not yet acknowledged
				mid := from + (len(evs)-from)/2
				sends := []struct {
					n     node
					batch []wire.Event
				}{
					{a, evs[max(0, from-3):]}, {b, evs[from:]}, {a, evs[from:mid]}, {b, evs[from:]}, {b, evs[max(0, from-1):mid]},
					{a, evs[mid:]}, // past a gap until one of the others lands
				}
				var wg sync.WaitGroup
				var mu sync.Mutex
				for i, s := range sends {
					wg.Go(func() {
						status, reply, raw, err := pushTo(s.n, token, s.batch)
						if err != nil || status != http.StatusOK {
							t.Errorf("round %d push %d: %d %s %v", round, i, status, raw, err)
							return
						}
						if i < len(sends)-1 && reply.AppliedThrough < s.batch[len(s.batch)-1].ID {
							t.Errorf("round %d push %d: applied through %d, want at least %d", round, i, reply.AppliedThrough,
								s.batch[len(s.batch)-1].ID)
						}
						mu.Lock()
						acked = max(acked, reply.AppliedThrough)
						mu.Unlock()
					})
				}
				wg.Wait()
				if last := evs[len(evs)-1].ID; acked != last {
					t.Fatalf("round %d: acknowledged through %d, want %d", round, acked, last)
				}
			}
			got, err := b.st.Stats(ctx, site.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The same events pushed once each, in order, to a centre of its own.
			ref, err := sqlstore.Open(ctx, centertest.SQLite(t))
			if err != nil {
				t.Fatal(err)
			}
			defer ref.Close()
			_, refHash := center.NewToken()
			refSite, err := ref.AddSite(ctx, "枫源村", refHash)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ref.ApplyBatch(ctx, refSite.ID, wire.PushRequest{Events: centertest.Outbox(t, h.DB(), 0)}); err != nil {
				t.Fatal(err)
			}
			want, err := ref.Stats(ctx, refSite.ID)
			if err != nil {
				t.Fatal(err)
			}
			// events has one row per (site, id); a second application would show in the history entries.
			if got != want || got.AppliedThrough != acked {
				t.Errorf("two nodes: %+v, want %+v as pushed once, through %d", got, want, acked)
			}
			t.Logf("%d rounds, %d events, %d cases, %d history entries", rounds, got.Events, got.Cases, got.Entries)
		})
	}
}

// TestLimitsHoldAcrossNodes reaches the tracking page's limit, the sign-in limit of an address
// and the lockout of an account through node A, and finds each holding at node B.
func TestLimitsHoldAcrossNodes(t *testing.T) {
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			opts := []center.Option{center.WithClock(func() time.Time { return now }), center.WithTrackLimit(1, 3),
				center.WithTrustedProxy(true)}
			f := newWebFixture(t, be.DSN(t), opts...)
			b := newNode(t, f.dsn, opts...)
			at := func(base, addr string) *browser {
				br := f.browser(t)
				br.base, br.addr = base, addr
				return br
			}
			nodeA, nodeB := at(f.srv.URL, "10.1.1.1"), at(b.srv.URL, "10.1.1.1")
			for i := range 3 {
				if status, _ := nodeA.do("GET", "/t/"+app.NewCaseCode(), nil); status != 404 {
					t.Fatalf("wrong code %d at A: %d", i+1, status)
				}
			}
			if status, _ := nodeB.do("GET", "/t/"+f.codeA, nil); status != 429 {
				t.Errorf("tracking page at B after 3 failures at A: %d, want 429", status)
			}
			if status, _ := at(b.srv.URL, "10.1.1.2").do("GET", "/t/"+f.codeA, nil); status != 200 {
				t.Errorf("another address at B: %d, want 200", status)
			}

			// The sign-in limit of an address: 10 failures (of different names, so that no account
			// locks) at A, then the right password at B.
			for i := range 10 {
				if status, _ := at(f.srv.URL, "10.2.2.2").signIn(fmt.Sprintf("ghost%d", i), "wrong"); status != 401 {
					t.Fatalf("failure %d at A: %d", i+1, status)
				}
			}
			if status, _ := at(b.srv.URL, "10.2.2.2").signIn("staff", testPassword); status != 429 {
				t.Errorf("sign-in at B from an address limited at A: %d, want 429", status)
			}

			// The lockout of an account: 5 failures from 5 addresses at A, then the right password
			// from a sixth at B.
			for i := range 5 {
				if status, _ := at(f.srv.URL, fmt.Sprintf("10.3.3.%d", i)).signIn("leader", "wrong"); status != 401 {
					t.Fatalf("failure %d of leader at A: %d", i+1, status)
				}
			}
			if status, _ := at(b.srv.URL, "10.3.3.9").signIn("leader", testPassword); status != 429 {
				t.Errorf("sign-in at B of an account locked at A: %d, want 429", status)
			}
			now = now.Add(2 * time.Minute) // the lockout (1 minute) and the limits refill
			if status, _ := at(b.srv.URL, "10.3.3.9").signIn("leader", testPassword); status != 303 {
				t.Errorf("sign-in at B after the lockout: %d, want 303", status)
			}
			if status, _ := nodeA.do("GET", "/t/"+f.codeA, nil); status != 200 {
				t.Errorf("tracking page at A after two minutes: %d, want 200", status)
			}
		})
	}
}
