package hallsync_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/sqlstore"
	"fengqiao/hallsync"
)

var errInjected = errors.New("injected fault")

// faultTransport is an http.RoundTripper that, while on, loses requests, loses responses after
// the centre has acted on the request, sends requests twice at once, and replays earlier requests
// after later ones (reordering).
type faultTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	rnd    *rand.Rand
	on     bool
	stale  []*http.Request
	counts map[string]int
}

func newFaultTransport(seed uint64) *faultTransport {
	return &faultTransport{next: http.DefaultTransport, rnd: rand.New(rand.NewPCG(seed, 7)), on: true, counts: map[string]int{}}
}

func (f *faultTransport) setOn(on bool) {
	f.mu.Lock()
	f.on = on
	f.mu.Unlock()
}

func (f *faultTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	clone := func(ctx context.Context) *http.Request {
		r := req.Clone(ctx)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		return r
	}
	f.mu.Lock()
	on, roll := f.on, f.rnd.Float64()
	var replay *http.Request
	if on && len(f.stale) > 0 && f.rnd.IntN(4) == 0 {
		i := f.rnd.IntN(len(f.stale))
		replay = f.stale[i]
		f.stale = append(f.stale[:i], f.stale[i+1:]...)
		f.counts["reordered"]++
	}
	if on && f.rnd.IntN(4) == 0 && len(f.stale) < 8 {
		f.stale = append(f.stale, clone(context.Background()))
	}
	fault := ""
	switch {
	case !on:
	case roll < 0.15:
		fault = "request lost"
	case roll < 0.30:
		fault = "response lost"
	case roll < 0.45:
		fault = "duplicated"
	case roll < 0.50:
		fault = "503"
	}
	if fault != "" {
		f.counts[fault]++
	}
	f.mu.Unlock()

	if replay != nil { // an old request arrives late; its reply goes nowhere
		if resp, err := f.next.RoundTrip(replay); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	switch fault {
	case "request lost":
		return nil, errInjected
	case "response lost":
		resp, err := f.next.RoundTrip(clone(req.Context()))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return nil, errInjected
	case "duplicated":
		var wg sync.WaitGroup
		var other *http.Response
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := f.next.RoundTrip(clone(req.Context())); err == nil {
				other = r
			}
		}()
		resp, err := f.next.RoundTrip(clone(req.Context()))
		wg.Wait()
		if other != nil {
			io.Copy(io.Discard, other.Body)
			other.Body.Close()
		}
		return resp, err
	case "503":
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Body:   io.NopCloser(bytes.NewReader([]byte(`{"error":"injected","code":"unavailable"}`))),
			Header: http.Header{}, Request: req}, nil
	}
	return f.next.RoundTrip(clone(req.Context()))
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestSyncOverFaultyLink runs a busy hall and a busy centre over a link that loses, duplicates
// and reorders requests and replies; once the link heals, both hold the same records, each once.
func TestSyncOverFaultyLink(t *testing.T) {
	for _, b := range centertest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := sqlstore.Open(ctx, b.DSN(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			token, hash := center.NewToken()
			site, err := s.AddSite(ctx, "城关镇", hash)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(center.NewServer(s, quietLogger()))
			defer srv.Close()

			h := centertest.NewHall(t)
			ft := newFaultTransport(1)
			w, err := hallsync.New(h, hallsync.Config{BaseURL: srv.URL, Token: token,
				Client: &http.Client{Transport: ft, Timeout: 10 * time.Second}, BatchSize: 7,
				Interval: 5 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
				Logger: quietLogger()})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- w.Run(runCtx) }()

			rnd := rand.New(rand.NewPCG(2, 3))
			for i := range 400 {
				if err := hallAct(ctx, h, rnd, i); err != nil {
					t.Fatal(err)
				}
				if i%3 == 0 {
					if err := centreAct(ctx, s, rnd, i); err != nil {
						t.Fatal(err)
					}
				}
				if i%20 == 0 {
					time.Sleep(2 * time.Millisecond) // let some rounds happen while the hall is busy
				}
			}
			for range 50 { // keep the centre busy while the last hall events arrive
				if err := centreAct(ctx, s, rnd, 1000); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Millisecond)
			}
			ft.setOn(false)
			waitSettled(t, h.DB(), s, site.ID)
			stop()
			<-done

			ft.mu.Lock()
			t.Logf("faults injected: %v", ft.counts)
			for _, k := range []string{"request lost", "response lost", "duplicated", "reordered"} {
				if ft.counts[k] == 0 {
					t.Errorf("no %q fault was injected; the test proves less than it claims", k)
				}
			}
			ft.mu.Unlock()
			assertConverged(t, h.DB(), s, site.ID)

			st, err := w.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Backlog != 0 || st.LastSuccess == nil {
				t.Errorf("status = %+v", st)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	tests := []struct {
		failures int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{10, time.Second, 2 * time.Second},
		{1000, time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		for range 100 {
			if d := hallsync.Backoff(tt.failures, lo, hi); d < tt.min || d > tt.max {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", tt.failures, d, tt.min, tt.max)
			}
		}
	}
}
