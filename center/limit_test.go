package center_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestLimitBoundUnderConcurrentGuesses has one client send wrong case codes as fast as it can,
// many at once, through one node and through two nodes on one database, on the real clock. The
// failed guesses it gets must stay within the bound the limiter states (center/limit.go), every
// one of them must be charged to its bucket in the database, and the cases it finds before must
// have written nothing.
func TestLimitBoundUnderConcurrentGuesses(t *testing.T) {
	const (
		perMinute, burst = 6, 5
		perNode          = 8 // requests at once through each node
		run              = 3 * time.Second
		refreshEvery     = time.Second // center/limit.go
	)
	rate := float64(perMinute) / 60
	for _, be := range centertest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			opts := []center.Option{center.WithTrackLimit(perMinute, burst), center.WithTrustedProxy(true)}
			f := newWebFixture(t, be.DSN(t), opts...)
			b := newNode(t, f.dsn, opts...)
			for i, nodes := range [][]string{{f.srv.URL}, {f.srv.URL, b.srv.URL}} {
				client := fmt.Sprintf("10.7.7.%d", i+1)
				get := func(base, path string) (int, error) {
					req, _ := http.NewRequest("GET", base+path, nil)
					req.Header.Set("X-Forwarded-For", client)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						return 0, err
					}
					resp.Body.Close()
					return resp.StatusCode, nil
				}
				// Cases found write no bucket.
				for j := range 3 * burst {
					if status, err := get(nodes[j%len(nodes)], "/t/"+f.codeA); err != nil || status != 200 {
						t.Fatalf("%d nodes: case %d: %d %v", len(nodes), j, status, err)
					}
				}
				if got := bucket(t, f, client); got != nil {
					t.Fatalf("%d nodes: cases found left a bucket: %+v", len(nodes), *got)
				}

				var allowed, refused atomic.Int64
				var wg sync.WaitGroup
				start := time.Now()
				for j := range perNode * len(nodes) {
					wg.Go(func() {
						for time.Since(start) < run {
							status, err := get(nodes[j%len(nodes)], "/t/"+app.NewCaseCode())
							switch {
							case err != nil:
								t.Error(err)
								return
							case status == 404:
								allowed.Add(1)
							case status == 429:
								refused.Add(1)
							default:
								t.Errorf("a wrong code: status %d", status)
								return
							}
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start).Seconds()
				conc := float64(perNode * len(nodes))
				bound := burst + rate*elapsed + conc + float64(len(nodes)-1)*(burst+rate*2*refreshEvery.Seconds()+conc)
				got := float64(allowed.Load())
				t.Logf("%d nodes, %d at once, %.1fs: %d failed guesses allowed (bound %.1f, bucket %.1f), %d refused",
					len(nodes), int(conc), elapsed, allowed.Load(), bound, burst+rate*elapsed, refused.Load())
				if got > bound || got < burst || refused.Load() == 0 {
					t.Errorf("%d nodes: %v guesses allowed, want %d to %.1f, and some refused (%d)", len(nodes), got, burst,
						bound, refused.Load())
				}
				// Each allowed guess was charged: the bucket holds burst less them, plus at most
				// the refill of the run.
				st := bucket(t, f, client)
				if st == nil || st.Tokens < burst-got-1e-9 || st.Tokens > burst-got+rate*elapsed+1e-9 {
					t.Errorf("%d nodes: bucket %+v after %v failures in %.1fs, want %v tokens plus at most %.2f", len(nodes),
						st, got, elapsed, burst-got, rate*elapsed)
				}
			}
		})
	}
}

// bucket returns the client's tracking bucket in the database, nil if it has none.
func bucket(t *testing.T, f *webFixture, client string) *center.BucketState {
	t.Helper()
	all, err := f.st.ChangedTokens(context.Background(), "track", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all {
		if b.Client == client {
			return &b
		}
	}
	return nil
}
