package hub_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/hub"
)

// reportPercentiles adds p50 and p99 of the samples to the benchmark's output.
func reportPercentiles(b *testing.B, samples []time.Duration, unit string) {
	if len(samples) == 0 {
		return
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	p := func(q float64) float64 {
		return float64(samples[int(q*float64(len(samples)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-"+unit)
	b.ReportMetric(p(0.99), "p99-"+unit)
}

// BenchmarkIssueHTTP issues tickets one after another through the HTTP API on loopback, with the
// database on synchronous=FULL: the latency a kiosk sees.
func BenchmarkIssueHTTP(b *testing.B) {
	srv, _ := newHub(b)
	c := hub.NewClient(srv.URL, kiosk)
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	services := []string{"petition", "legal", "hotline", "mediation"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.Issue(ctx, app.IssueRequest{Service: services[i%4]}); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, samples, "ms")
}

// BenchmarkIssueHTTPParallel is the sustained rate with many kiosks and consoles at once.
func BenchmarkIssueHTTPParallel(b *testing.B) {
	srv, _ := newHub(b)
	ctx := context.Background()
	b.SetParallelism(4)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		c := hub.NewClient(srv.URL, kiosk)
		for pb.Next() {
			if _, err := c.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tickets/s")
}

// BenchmarkCallHTTP calls and completes tickets through the HTTP API: two requests per ticket.
func BenchmarkCallHTTP(b *testing.B) {
	srv, hall := newHub(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := hall.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			b.Fatal(err)
		}
	}
	c := hub.NewClient(srv.URL, window)
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.Call(ctx, 1); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(t0))
		if _, err := c.Complete(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, samples, "ms")
}

// BenchmarkCallToSSE measures from a window sending its call to a display receiving the event
// over server-sent events.
func BenchmarkCallToSSE(b *testing.B) {
	srv, hall := newHub(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < b.N; i++ {
		if _, err := hall.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			b.Fatal(err)
		}
	}
	last, _ := hall.LastEventID(ctx)
	events, err := hub.NewClient(srv.URL, display).Subscribe(ctx, last)
	if err != nil {
		b.Fatal(err)
	}
	wc := hub.NewClient(srv.URL, window)
	// Make sure the stream is live before measuring.
	if _, err := wc.SetPaused(ctx, 2, false); err != nil {
		b.Fatal(err)
	}
	<-events
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := wc.Call(ctx, 1); err != nil {
			b.Fatal(err)
		}
		for ev := range events {
			if ev.Kind == app.EventCalled {
				break
			}
		}
		samples = append(samples, time.Since(t0))
		b.StopTimer()
		wc.Complete(ctx, 1)
		<-events
		b.StartTimer()
	}
	b.StopTimer()
	reportPercentiles(b, samples, "ms")
}
