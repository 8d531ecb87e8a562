package center

import (
	"context"
	"sync/atomic"
	"time"
)

// Bucket is a kind of rate limit: a token bucket per client address that holds Burst tokens and
// refills at PerSecond.
type Bucket struct {
	Kind      string // "track", "login"
	PerSecond float64
	Burst     float64
}

// LimitStore keeps the rate-limit buckets in the database, so that every centre node on it
// shares them: a client refused through one node is refused through all.
type LimitStore interface {
	// TakeToken refills the client's bucket for the time since it last changed, takes a token
	// from it if it has one and reports whether it had.
	TakeToken(ctx context.Context, b Bucket, client string, now time.Time) (bool, error)
	// RefundToken gives back a token taken from the client's bucket.
	RefundToken(ctx context.Context, kind, client string) error
	// SweepTokens forgets the buckets of the kind that have refilled by now.
	SweepTokens(ctx context.Context, kind string, now time.Time) error
}

// limiter is a token bucket per client address, kept in the database (LimitStore). A request
// that may fail (a case look-up, a sign-in) takes a token before it runs and gives it back when
// it succeeds, so only failures count, and a client with no tokens left is refused whatever it
// asks: a guesser cannot tell a right guess from a wrong one by whether it was refused.
type limiter struct {
	store  LimitStore
	bucket Bucket
	now    func() time.Time
	swept  atomic.Int64 // when this node last swept the kind, unix seconds
}

// sweepEvery is how often a node forgets the refilled buckets of a kind.
const sweepEvery = time.Minute

func newLimiter(st LimitStore, kind string, perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{store: st, bucket: Bucket{Kind: kind, PerSecond: float64(perMinute) / 60, Burst: float64(burst)}, now: now}
}

// take takes a token for the client and reports whether there was one.
func (l *limiter) take(ctx context.Context, client string) (bool, error) {
	now := l.now()
	if last := l.swept.Load(); now.Unix()-last >= int64(sweepEvery/time.Second) && l.swept.CompareAndSwap(last, now.Unix()) {
		if err := l.store.SweepTokens(ctx, l.bucket.Kind, now); err != nil {
			return false, err
		}
	}
	return l.store.TakeToken(ctx, l.bucket, client, now)
}

// refund gives back the token of a request that succeeded.
func (l *limiter) refund(ctx context.Context, client string) error {
	return l.store.RefundToken(ctx, l.bucket.Kind, client)
}
