package display

import (
	"context"
	"slices"
	"testing"
	"time"

	"fengqiao/app"
)

// BenchmarkCallToDisplay measures, over loopback, the time from a window console's call (the
// hub.Client request) to the board's number label holding the called ticket: HTTP request, the
// store's transaction, the hub's SSE stream, the display client's decoding and the UI update.
// It reports the median and the 99th percentile.
func BenchmarkCallToDisplay(b *testing.B) {
	kiosk, window, display := loopbackHall(b)
	ctx := context.Background()
	s, shown := runBoard(b, display)
	// Warm up until the board's subscription is live.
	kiosk.Issue(ctx, app.IssueRequest{Service: "legal"})
	for {
		window.Call(ctx, 2)
		select {
		case <-shown:
		case <-time.After(time.Second):
			window.Recall(ctx, 2)
			continue
		}
		break
	}
	window.Complete(ctx, 2)
	for i := 0; i < b.N; i++ {
		if _, err := kiosk.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		tk, err := window.Call(ctx, 2)
		if err != nil {
			b.Fatal(err)
		}
		for c := range shown {
			if c.Label == tk.Label {
				break
			}
		}
		lat = append(lat, time.Since(start))
		if s.Number() != "请 "+tk.Label+" 号" {
			b.Fatalf("board shows %q after calling %s", s.Number(), tk.Label)
		}
		b.StopTimer()
		if _, err := window.Complete(ctx, 2); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
