package sqlstore_test

import (
	"context"
	"math"
	"testing"
	"time"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

// TestRateBuckets charges buckets into debt, reads the changed ones and sweeps the refilled.
func TestRateBuckets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		b := center.Bucket{Kind: "track", PerSecond: 1, Burst: 3}
		t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		charge := func(client string, at time.Time) center.BucketState {
			t.Helper()
			st, err := s.ChargeToken(ctx, b, client, at)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		steps := []struct {
			at   time.Duration
			want float64
		}{
			{0, 2}, {0, 1}, {0, 0}, {0, -1}, {0, -2}, // into debt
			{1500 * time.Millisecond, -1.5}, // refilled 1.5, less one
			{time.Second, -1.5 - 1},         // a clock behind: no refill backwards
			{10 * time.Second, 3 - 1},       // refilled to the burst only
		}
		for i, st := range steps {
			got := charge("10.0.0.1", t0.Add(st.at))
			if math.Abs(got.Tokens-st.want) > 1e-9 {
				t.Errorf("charge %d at +%s: %v tokens, want %v", i, st.at, got.Tokens, st.want)
			}
		}
		charge("10.0.0.2", t0.Add(20*time.Second))
		changed, err := s.ChangedTokens(ctx, "track", t0.Add(15*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if len(changed) != 1 || changed[0].Client != "10.0.0.2" || !changed[0].At.Equal(t0.Add(20*time.Second)) {
			t.Errorf("changed since +15s: %+v, want 10.0.0.2 at +20s", changed)
		}
		// At +20.5s 10.0.0.1 is full again (2 tokens at +10s), 10.0.0.2 is not (2 at +20s).
		if err := s.SweepTokens(ctx, "track", t0.Add(20500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		all, err := s.ChangedTokens(ctx, "track", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].Client != "10.0.0.2" {
			t.Errorf("after the sweep: %+v, want 10.0.0.2 only", all)
		}
	})
}
