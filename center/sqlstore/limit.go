package sqlstore

import (
	"context"
	"fmt"
	"time"

	"fengqiao/center"
)

// TakeToken implements center.LimitStore in one statement, so that two nodes taking from the
// same bucket at once both see the other's take: the row is created full less one token, or
// refilled for the time since at_us (never backwards when the nodes' clocks differ) and
// decremented if it holds a whole token.
func (s *Store) TakeToken(ctx context.Context, b center.Bucket, client string, now time.Time) (bool, error) {
	least, greatest := s.minmax()
	refill := fmt.Sprintf("%s(excluded.burst, rate_buckets.tokens + %s(0, excluded.at_us - rate_buckets.at_us) * excluded.rate)",
		least, greatest)
	q := fmt.Sprintf(`INSERT INTO rate_buckets (kind, client, tokens, at_us, rate, burst, ok) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, client) DO UPDATE SET
			ok = CASE WHEN %[1]s >= 1 THEN 1 ELSE 0 END,
			tokens = CASE WHEN %[1]s >= 1 THEN %[1]s - 1 ELSE %[1]s END,
			at_us = %[2]s(rate_buckets.at_us, excluded.at_us), rate = excluded.rate, burst = excluded.burst
		RETURNING ok`, refill, greatest)
	full, ok := b.Burst-1, 1
	if b.Burst < 1 {
		full, ok = b.Burst, 0
	}
	var got int
	err := s.db.QueryRowContext(ctx, s.rebind(q), b.Kind, client, full, micros(now), b.PerSecond/1e6, b.Burst, ok).Scan(&got)
	if err != nil {
		return false, dbErr("take a rate-limit token", err)
	}
	return got == 1, nil
}

// RefundToken implements center.LimitStore.
func (s *Store) RefundToken(ctx context.Context, kind, client string) error {
	least, _ := s.minmax()
	_, err := s.db.ExecContext(ctx, s.rebind("UPDATE rate_buckets SET tokens = "+least+"(burst, tokens + 1) WHERE kind = ? AND client = ?"),
		kind, client)
	return dbErr("refund a rate-limit token", err)
}

// SweepTokens implements center.LimitStore.
func (s *Store) SweepTokens(ctx context.Context, kind string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.rebind("DELETE FROM rate_buckets WHERE kind = ? AND tokens + (? - at_us) * rate >= burst"),
		kind, micros(now))
	return dbErr("sweep rate-limit buckets", err)
}

// minmax returns the dialect's functions for the least and the greatest of two values.
func (s *Store) minmax() (least, greatest string) {
	if s.postgres {
		return "LEAST", "GREATEST"
	}
	return "MIN", "MAX"
}
