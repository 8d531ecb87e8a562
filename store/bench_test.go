package store_test

import (
	"context"
	"testing"

	"fengqiao/app"
)

// BenchmarkIssue is one ticket issued in the store: one immediate transaction, one fsync.
func BenchmarkIssue(b *testing.B) {
	h, _ := setup(b, nil)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCall is one call in the store, with the queue holding b.N tickets.
func BenchmarkCall(b *testing.B) {
	h, _ := setup(b, nil)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := h.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.Call(ctx, 1); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := h.Complete(ctx, 1); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
