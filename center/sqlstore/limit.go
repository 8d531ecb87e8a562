package sqlstore

import (
	"context"
	"fmt"
	"time"

	"fengqiao/center"
)

// ChargeToken implements center.LimitStore in one statement, so that two nodes charging the same
// bucket at once both count: the row is created full less one token, or refilled for the time
// since at_us (never backwards when the nodes' clocks differ) and decremented, below zero if
// need be.
func (s *Store) ChargeToken(ctx context.Context, b center.Bucket, client string, now time.Time) (center.BucketState, error) {
	least, greatest := s.minmax()
	q := fmt.Sprintf(`INSERT INTO rate_buckets (kind, client, tokens, at_us, rate, burst) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, client) DO UPDATE SET
			tokens = %[1]s(excluded.burst, rate_buckets.tokens + %[2]s(0, excluded.at_us - rate_buckets.at_us) * excluded.rate) - 1,
			at_us = %[2]s(rate_buckets.at_us, excluded.at_us), rate = excluded.rate, burst = excluded.burst
		RETURNING tokens, at_us`, least, greatest)
	st := center.BucketState{Client: client}
	var at int64
	err := s.db.QueryRowContext(ctx, s.rebind(q), b.Kind, client, b.Burst-1, micros(now), b.PerSecond/1e6, b.Burst).
		Scan(&st.Tokens, &at)
	if err != nil {
		return st, dbErr("charge a rate-limit token", err)
	}
	st.At = time.UnixMicro(at).UTC()
	return st, nil
}

// ChangedTokens implements center.LimitStore. It reads the primary: a replica may lag.
func (s *Store) ChangedTokens(ctx context.Context, kind string, since time.Time) ([]center.BucketState, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind("SELECT client, tokens, at_us FROM rate_buckets WHERE kind = ? AND at_us >= ?"),
		kind, micros(since))
	if err != nil {
		return nil, dbErr("read rate-limit buckets", err)
	}
	defer rows.Close()
	var out []center.BucketState
	for rows.Next() {
		var b center.BucketState
		var at int64
		if err := rows.Scan(&b.Client, &b.Tokens, &at); err != nil {
			return nil, dbErr("read rate-limit buckets", err)
		}
		b.At = time.UnixMicro(at).UTC()
		out = append(out, b)
	}
	return out, dbErr("read rate-limit buckets", rows.Err())
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
