package center

import (
	"context"
	"sync"
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

// BucketState is a client's bucket as it stood at At: Tokens may be below zero (a debt).
type BucketState struct {
	Client string
	Tokens float64
	At     time.Time
}

// LimitStore keeps the rate-limit buckets in the database, so that every centre node on it
// shares them: a client refused through one node is refused through all.
type LimitStore interface {
	// ChargeToken refills the client's bucket for the time since it last changed (never
	// backwards when the nodes' clocks differ) and takes a token from it, into debt when it has
	// none, in one statement, so that charges by several nodes at once all count. It returns the
	// bucket as it now stands.
	ChargeToken(ctx context.Context, b Bucket, client string, now time.Time) (BucketState, error)
	// ChangedTokens returns the kind's buckets changed at or after since.
	ChangedTokens(ctx context.Context, kind string, since time.Time) ([]BucketState, error)
	// SweepTokens forgets the buckets of the kind that have refilled by now.
	SweepTokens(ctx context.Context, kind string, now time.Time) error
}

// limiter is a token bucket per client address for requests that may fail (a case look-up, a
// sign-in), kept in the database (LimitStore) and shared by every centre node on it. Only
// failures count: a request is allowed while the client's bucket holds a whole token, and a
// failure then charges the bucket in the database; a success writes nothing. A client out of
// tokens is refused whatever it asks, so a guesser cannot tell a right guess from a wrong one.
//
// A node checks from its own copy of the kind's buckets: those it charged itself, and those that
// any node changed, read from the database every refreshEvery (the rows changed since its last
// read, less changedMargin, and every bucket once a sweepEvery); a request waits for the read
// when the copy is older than 2 × refreshEvery. The copy can lag the database, so a client may
// get more failed guesses than its bucket allows: what the other nodes let through that this
// node has not read yet, and the requests that passed the check before the charges of the
// others landed. Every failure is charged, into debt if need be, and a client in debt is refused
// until it has paid it off, so these extra guesses do not add up: over any period T, a client
// sending at most C requests at once through n nodes gets at most
//
//	Burst + PerSecond × T + C + (n−1) × (Burst + PerSecond × 2 × refreshEvery + C)
//
// failed guesses: C for its requests that passed the check before the charges of the others
// were made, and, per other node, what that node let through since this node's copy was read
// (at most 2 × refreshEvery ago): its bucket as it saw it, the refill, and the requests running
// there. With one node only Burst + PerSecond × T + C. The nodes' clocks must agree to within
// changedMargin (NTP keeps them to milliseconds); every bucket is read again each sweepEvery.
type limiter struct {
	store  LimitStore
	bucket Bucket
	now    func() time.Time

	refreshing sync.Mutex   // held by the request that reads the database for the others
	read       atomic.Int64 // when this node last read the buckets, unix microseconds (0: never)
	swept      atomic.Int64 // when this node last swept the kind and read it whole, unix seconds

	mu      sync.Mutex
	buckets map[string]seenBucket // the kind's buckets not yet full, as this node last saw them
	charges uint64                // charges made by this node, counted to tell a fresher copy
}

// seenBucket is a bucket as a node last saw it, with the number of the node's charge that
// returned it (0 when read by a refresh).
type seenBucket struct {
	BucketState
	charge uint64
}

const (
	// sweepEvery is how often a node forgets the refilled buckets of a kind and reads the others.
	sweepEvery = time.Minute
	// refreshEvery is how often a node reads the buckets changed by the other nodes.
	refreshEvery = time.Second
	// changedMargin is how far before its last read a node reads changed buckets again: the time
	// a charge takes to commit and the difference between the nodes' clocks.
	changedMargin = 5 * time.Second
)

func newLimiter(st LimitStore, kind string, perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{store: st, bucket: Bucket{Kind: kind, PerSecond: float64(perMinute) / 60, Burst: float64(burst)}, now: now,
		buckets: map[string]seenBucket{}}
}

// allow reports whether the client's bucket holds a token. It charges nothing.
func (l *limiter) allow(ctx context.Context, client string) (bool, error) {
	now := l.now()
	if err := l.refresh(ctx, now); err != nil {
		return false, err
	}
	l.mu.Lock()
	b, seen := l.buckets[client]
	l.mu.Unlock()
	return !seen || l.refill(b.BucketState, now) >= 1, nil
}

// charge takes a token from the client's bucket for a failure, into debt if need be.
func (l *limiter) charge(ctx context.Context, client string) error {
	b, err := l.store.ChargeToken(ctx, l.bucket, client, l.now())
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.charges++
	// Charges running at once may return out of order: the later state holds fewer tokens.
	if old, seen := l.buckets[client]; seen {
		at := b.At
		if old.At.After(at) {
			at = old.At
		}
		if l.refill(old.BucketState, at) < l.refill(b, at) {
			b = old.BucketState
		}
	}
	l.buckets[client] = seenBucket{BucketState: b, charge: l.charges}
	return nil
}

// take charges a token if the client has one and reports whether it had: for requests that
// cost a token whatever their outcome.
func (l *limiter) take(ctx context.Context, client string) (bool, error) {
	ok, err := l.allow(ctx, client)
	if err != nil || !ok {
		return false, err
	}
	return true, l.charge(ctx, client)
}

// refill returns the tokens of b at now.
func (l *limiter) refill(b BucketState, now time.Time) float64 {
	return min(l.bucket.Burst, b.Tokens+max(0, now.Sub(b.At).Seconds())*l.bucket.PerSecond)
}

// refresh reads the buckets changed since the last read when that was refreshEvery ago, and
// once a sweepEvery sweeps the refilled ones and reads the kind whole. One request reads for
// the node; the others go on with the copy they have, unless the node has none yet.
func (l *limiter) refresh(ctx context.Context, now time.Time) error {
	last := l.read.Load()
	if last != 0 && now.Sub(time.UnixMicro(last)) < refreshEvery {
		return nil
	}
	if !l.refreshing.TryLock() {
		if last != 0 && now.Sub(time.UnixMicro(last)) < 2*refreshEvery {
			return nil
		}
		l.refreshing.Lock() // no copy, or one too old to go on with: wait for the read
	}
	defer l.refreshing.Unlock()
	if l.read.Load() != last {
		return nil // another request read meanwhile
	}
	since := time.UnixMicro(last).Add(-changedMargin)
	if swept := l.swept.Load(); last == 0 || now.Unix()-swept >= int64(sweepEvery/time.Second) {
		if err := l.store.SweepTokens(ctx, l.bucket.Kind, now); err != nil {
			return err
		}
		since = time.Time{}
		l.swept.Store(now.Unix())
	}
	l.mu.Lock()
	before := l.charges
	l.mu.Unlock()
	changed, err := l.store.ChangedTokens(ctx, l.bucket.Kind, since)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range changed {
		if l.buckets[b.Client].charge <= before { // not charged by this node while reading
			l.buckets[b.Client] = seenBucket{BucketState: b}
		}
	}
	for client, b := range l.buckets {
		if l.refill(b.BucketState, now) >= l.bucket.Burst {
			delete(l.buckets, client)
		}
	}
	l.read.Store(max(now.UnixMicro(), 1))
	return nil
}
