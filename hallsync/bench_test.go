package hallsync_test

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
	"fengqiao/store"
)

// backlogEvents is the size of the backlog of BenchmarkBacklog.
const backlogEvents = 10_000

// BenchmarkBacklog measures how long a hall's backlog of 10,000 events takes to reach the centre:
// one op is a full push over loopback HTTP, in batches of 500, into an empty database.
//
//	export FENGQIAO_TEST_POSTGRES=$(scripts/pg-start.sh)
//	go test ./hallsync -run '^$' -bench Backlog -benchtime 5x
func BenchmarkBacklog(b *testing.B) {
	ctx := context.Background()
	h := centertest.NewHall(b)
	fillBacklog(b, h, backlogEvents)
	for _, be := range centertest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			if be.Name == "postgres" && os.Getenv(centertest.PostgresEnv) == "" {
				b.Skipf("%s is not set", centertest.PostgresEnv)
			}
			for range b.N {
				b.StopTimer()
				s, err := sqlstore.Open(ctx, be.DSN(b))
				if err != nil {
					b.Fatal(err)
				}
				token, hash := center.NewToken()
				site, err := s.AddSite(ctx, "城关镇", hash)
				if err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(center.NewServer(s, quietLogger()))
				w, err := hallsync.New(h, hallsync.Config{BaseURL: srv.URL, Token: token, BatchSize: 500, Logger: quietLogger()})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := h.DB().Writer().ExecContext(ctx, "UPDATE sync_cursor SET pushed = 0"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if err := w.Sync(ctx); err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				st, err := s.Stats(ctx, site.ID)
				if err != nil || st.Events != backlogEvents {
					b.Fatalf("centre holds %d events (%v), want %d", st.Events, err, backlogEvents)
				}
				b.ReportMetric(float64(backlogEvents)/elapsed.Seconds(), "events/s")
				srv.Close()
				s.Close()
			}
		})
	}
}

// fillBacklog makes the hall log exactly n events: visitors check in, are served, and some
// cases move on.
func fillBacklog(tb testing.TB, h *store.Hall, n int) {
	ctx := context.Background()
	count := func() int {
		var c int
		h.DB().Reader().QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&c)
		return c
	}
	for i := 0; count() < n-5; i++ {
		tk, err := h.Issue(ctx, app.IssueRequest{Service: services[i%len(services)], Category: "其他",
			Visitor: &app.Visitor{IDNumber: idNumber(i % 1000), Name: "测试", Phone: "13800138000"}})
		if err != nil {
			tb.Fatal(err)
		}
		for _, step := range []func(context.Context, int) (app.Ticket, error){h.Call, h.Start, h.Complete} {
			if _, err := step(ctx, 1); err != nil {
				tb.Fatal(err)
			}
		}
		if i%2 == 0 {
			if _, err := h.ChangeCase(ctx, tk.CaseCode, app.CaseChange{Status: app.CaseAccepted}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	for count() < n {
		if _, err := h.SetPaused(ctx, 2, count()%2 == 0); err != nil {
			tb.Fatal(err)
		}
	}
}
