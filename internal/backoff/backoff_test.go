package backoff

import (
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	const lo, hi = 100 * time.Millisecond, 2 * time.Second
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, lo},
		{1, lo},
		{2, 200 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, 1600 * time.Millisecond},
		{6, hi},
		{10, hi},
		{1 << 30, hi}, // no overflow: doubling stops at hi
	}
	for _, tt := range tests {
		if got := Delay(tt.failures, lo, hi); got != tt.want {
			t.Errorf("Delay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestJitter(t *testing.T) {
	tests := []struct {
		d, lo, hi time.Duration
	}{
		{0, 0, 0},
		{time.Nanosecond, time.Nanosecond, time.Nanosecond},
		{100 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond},
		{5 * time.Minute, 150 * time.Second, 5 * time.Minute},
	}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 200 {
			got := Jitter(tt.d)
			if got < tt.lo || got > tt.hi {
				t.Fatalf("Jitter(%v) = %v, want in [%v, %v]", tt.d, got, tt.lo, tt.hi)
			}
			seen[got] = true
		}
		if tt.d >= time.Millisecond && len(seen) < 2 {
			t.Errorf("Jitter(%v) always gave %v", tt.d, Jitter(tt.d))
		}
	}
}

// The running pause: the hub client's stream, the device watchers and the print spool each wait
// Wait() and then Fail() or Reset().
func TestBackoff(t *testing.T) {
	b := Backoff{Min: 200 * time.Millisecond, Max: 5 * time.Second}
	tests := []struct {
		step string // what happens before the pause is read
		want time.Duration
	}{
		{"", 200 * time.Millisecond},
		{"fail", 400 * time.Millisecond},
		{"fail", 800 * time.Millisecond},
		{"fail", 1600 * time.Millisecond},
		{"fail", 3200 * time.Millisecond},
		{"fail", 5 * time.Second},
		{"fail", 5 * time.Second},
		{"reset", 200 * time.Millisecond},
		{"fail", 400 * time.Millisecond},
	}
	for i, tt := range tests {
		switch tt.step {
		case "fail":
			b.Fail()
		case "reset":
			b.Reset()
		}
		if got := b.Wait(); got != tt.want {
			t.Fatalf("step %d (%s): Wait() = %v, want %v", i, tt.step, got, tt.want)
		}
	}
	// Many failures at the cap keep the count small: one reset and one failure double again.
	for range 1000 {
		b.Fail()
	}
	b.Reset()
	if got := b.Wait(); got != b.Min {
		t.Fatalf("after a reset: %v", got)
	}
}
