package center

import (
	"sync"
	"time"
)

// limiter is a token bucket per client address. A request that may fail (a case look-up, a
// sign-in) takes a token before it runs and gives it back when it succeeds, so only failures
// count, and a client with no tokens left is refused whatever it asks: a guesser cannot tell a
// right guess from a wrong one by whether it was refused.
type limiter struct {
	rate  float64 // tokens added per second
	burst float64 // bucket size
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory; past it, full buckets (idle clients) are dropped.
const maxBuckets = 100_000

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// take takes a token for the client and reports whether there was one.
func (l *limiter) take(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refund gives back the token of a request that succeeded.
func (l *limiter) refund(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[client]; b != nil {
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// sweep drops the buckets that have refilled. Called with l.mu held.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
