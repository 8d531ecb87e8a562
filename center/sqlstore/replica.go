package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"fengqiao/center"
)

var _ center.ReplicaStore = (*Store)(nil)

// AttachReplica opens a pool on a PostgreSQL streaming replica (a hot standby) of the store's
// database: the tracking page, the dashboard and the exports read from it (center.ReplicaStore).
// The replica's schema is the primary's, so nothing is migrated there. dsn may name several
// hosts with target_session_attrs=prefer-standby, so that reads fall back to the primary while
// no standby answers.
func (s *Store) AttachReplica(ctx context.Context, dsn string) error {
	if !s.postgres {
		return errors.New("attach replica: a read DSN needs a PostgreSQL primary")
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return fmt.Errorf("attach replica: %q is not a PostgreSQL URL", redact(dsn))
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("attach replica: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("attach replica %s: %w", redact(dsn), err)
	}
	s.replica = db
	return nil
}

// HasReplica implements center.ReplicaStore.
func (s *Store) HasReplica() bool { return s.replica != nil }

// reader returns the pool a read goes to: the replica when one is attached and the request may
// read from it (center.ReadFromReplica), else the primary.
func (s *Store) reader(ctx context.Context) *sql.DB {
	if s.replica != nil && center.ReadFromReplica(ctx) {
		return s.replica
	}
	return s.db
}

// WriteLSN implements center.ReplicaStore.
func (s *Store) WriteLSN(ctx context.Context) (string, error) {
	var lsn string
	err := s.db.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn)
	return lsn, dbErr("read the WAL position", err)
}

// ReplayedPast implements center.ReplicaStore. A replica that is not in recovery (a promoted
// standby) has everything.
func (s *Store) ReplayedPast(ctx context.Context, lsn string) (bool, error) {
	var done bool
	err := s.replica.QueryRowContext(ctx, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true)", lsn).Scan(&done)
	return done, dbErr("compare the replica's position", err)
}

// ReplicaLag implements center.ReplicaStore: the WAL bytes between the primary's position and
// the replica's replay position, and the commit time of the last replayed transaction.
func (s *Store) ReplicaLag(ctx context.Context) (center.ReplicaLag, error) {
	primary, err := s.WriteLSN(ctx)
	if err != nil {
		return center.ReplicaLag{}, err
	}
	var (
		lag    center.ReplicaLag
		bytes  sql.NullFloat64
		at     sql.NullTime
		paused sql.NullBool
	)
	err = s.replica.QueryRowContext(ctx, `SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()),
		pg_last_xact_replay_timestamp(), CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END`, primary).
		Scan(&bytes, &at, &paused)
	if err != nil {
		return lag, dbErr("read the replica's lag", err)
	}
	lag.Bytes = max(0, int64(bytes.Float64))
	if at.Valid {
		lag.ReplayedAt = at.Time
	}
	lag.Paused = paused.Bool
	return lag, nil
}
