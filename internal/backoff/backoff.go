// Package backoff computes the pauses between retries of something that keeps failing: a minimum
// doubled per consecutive failure up to a maximum. The hub client's event stream, the hall's sync
// worker, the card reader and scanner watchers and the print spool all wait by it.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Delay returns the pause after the given number of consecutive failures: lo doubled for each
// failure after the first, at most hi (0 or 1 failures: lo).
func Delay(failures int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// Jitter takes a random part of up to half away from d ("equal jitter"), so that many clients
// that failed together do not retry in step.
func Jitter(d time.Duration) time.Duration {
	half := d / 2
	return d - half + rand.N(half+1)
}

// Backoff is the running pause of a retry loop: Min until something fails, doubled by each
// failure up to Max, and back to Min after Reset. The zero value with Min and Max set is ready.
type Backoff struct {
	Min, Max time.Duration
	failures int
}

// Wait returns the pause to take now.
func (b *Backoff) Wait() time.Duration { return Delay(b.failures+1, b.Min, b.Max) }

// Fail records a failure: the next pause is twice this one, at most Max.
func (b *Backoff) Fail() {
	if Delay(b.failures+1, b.Min, b.Max) < b.Max {
		b.failures++
	}
}

// Reset records a success: the next pause is Min.
func (b *Backoff) Reset() { b.failures = 0 }
