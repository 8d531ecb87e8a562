// Package sqlstore implements center.Store on PostgreSQL (many sites) and on SQLite (a single
// site, or a test). Both share one schema and one set of queries; the dialect differs in
// placeholders, in how the site row is locked, and in the pool.
//
// Exactly-once: a site's events are applied in id order, in one transaction with the site's
// high-water mark, under the lock of the site's row. Outbound changes get their sequence number
// under the same lock, so their commit order is their sequence order.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/internal/backoff"
	"fengqiao/internal/migrate"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "github.com/mattn/go-sqlite3"    // SQLite driver
)

//go:embed migrations
var migrationFS embed.FS

// Store is a centre database. It implements center.Store.
type Store struct {
	db       *sql.DB
	replica  *sql.DB // a streaming replica for reads (AttachReplica), or nil
	postgres bool
	now      func() time.Time
	services []app.Service
	idKey    []byte      // the centre's key for the hash of ID numbers (SetIDKey); nil: no hashes
	groups   *pushGroups // PostgreSQL: pushes applied in groups (ApplyBatch); nil: one by one
}

var _ center.Store = (*Store)(nil)

// Open opens the centre database named by dsn and brings its schema up to date. A dsn is either
// a PostgreSQL URL (postgres://user@host:port/db?sslmode=...) or sqlite:PATH.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{now: time.Now, services: app.DefaultServices()}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.db, s.postgres = db, true
		s.groups = &pushGroups{s: s}
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn, "sqlite:")
		if p == "" {
			return nil, errors.New("open sqlite: the path is empty")
		}
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
		q.Set("_foreign_keys", "on")
		q.Set("_busy_timeout", "10000")
		q.Set("_txlock", "immediate")
		db, err := sql.Open("sqlite3", "file:"+p+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection: SQLite has one writer anyway, and a single site is a small load.
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.db = db
	default:
		return nil, fmt.Errorf("open: unknown database %q: want postgres://… or sqlite:PATH", redact(dsn))
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open %s: %w", s.dialect(), err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// redact drops the password from a URL for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// Close closes the database and the replica's pool.
func (s *Store) Close() error {
	if s.replica != nil {
		s.replica.Close()
	}
	return s.db.Close()
}

// DB returns the underlying pool, for tests and reports.
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) dialect() string {
	if s.postgres {
		return "postgres"
	}
	return "sqlite"
}

// migrate applies the embedded migrations of the dialect that the database lacks, each in its own
// transaction (internal/migrate). The centre takes no backup first: its PostgreSQL is backed up by
// its operators (docs/centre.md).
func (s *Store) migrate(ctx context.Context) error {
	migs, err := migrate.Load(migrationFS, path.Join("migrations", s.dialect()))
	if err != nil {
		return err
	}
	d := migrate.SQLite
	if s.postgres {
		d = migrate.Postgres
	}
	_, err = migrate.Up(ctx, s.db, migs, migrate.Options{Dialect: d, Now: s.now})
	return err
}

// inTx runs fn in a transaction and commits it if fn succeeds. On SQLite the transaction starts
// with BEGIN IMMEDIATE (the _txlock setting), so it holds the write lock from the start.
//
// On PostgreSQL a transaction that PostgreSQL aborts as a deadlock or a serialization failure is
// run again from the start, up to maxTxAttempts times: a push that relays to another site locks
// the pushing site's row, then the other's, so two sites relaying to each other at the same
// moment can deadlock (docs/sync.md). fn must therefore keep no state between runs beyond what
// it assigns afresh.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryTx(ctx, fn)
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff.Jitter(backoff.Delay(attempt, 5*time.Millisecond, 200*time.Millisecond))):
		}
	}
}

// maxTxAttempts is how many times inTx runs a transaction that keeps deadlocking.
const maxTxAttempts = 5

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr("begin", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbErr("commit", err)
	}
	return nil
}

// retryable reports whether PostgreSQL aborted the transaction for a deadlock (40P01) or a
// serialization failure (40001), which running it again resolves.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}

// rebind turns ? placeholders into $1, $2, … for PostgreSQL. Queries hold no literal '?'.
func (s *Store) rebind(q string) string {
	if !s.postgres {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// maxParams bounds the parameters of one statement (SQLite allows 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows inserts rows with multi-row INSERT statements of as many rows as the parameter limit
// allows: head is "INSERT INTO t (a, b)", tail e.g. "ON CONFLICT … DO UPDATE …".
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ncols := len(rows[0])
	tuple := "(?" + strings.Repeat(", ?", ncols-1) + ")"
	per := max(1, maxParams/ncols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		args := make([]any, 0, len(chunk)*ncols)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, r...)
		}
		b.WriteString(" ")
		b.WriteString(tail)
		if _, err := tx.ExecContext(ctx, s.rebind(b.String()), args...); err != nil {
			return err
		}
	}
	return nil
}

// inList returns "(?, ?, …)" for n values.
func inList(n int) string {
	return "(?" + strings.Repeat(", ?", n-1) + ")"
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMicro(v.Int64).UTC()
	return &t
}

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

// dbErr wraps a database failure with the step that failed; app errors pass through. A failure
// to reach a writable database (unavailable) carries app.EUNAVAILABLE, so that the halls and a
// load balancer get 503 and retry, rather than 500.
func dbErr(step string, err error) error {
	if err == nil {
		return nil
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("centre store: %s: %w: %w", step, errUnavailable, err)
	}
	return fmt.Errorf("centre store: %s: %w", step, err)
}

var errUnavailable = app.Errorf(app.EUNAVAILABLE, "the centre's database is unavailable")

// unavailable reports whether err says the database cannot be reached or cannot take writes
// now, as during a failover: no connection, a connection lost, a server shutting down or
// starting, or a standby (read-only) where the primary was.
func unavailable(err error) bool {
	var (
		connect *pgconn.ConnectError
		pg      *pgconn.PgError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &connect), errors.As(err, &netErr), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &pg):
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "25006" || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	return false
}

// queryAll runs query on the store's reader (the replica when the request may read from it) and returns one T per row, read by scan; step names
// the work in an error.
func queryAll[T any](ctx context.Context, s *Store, step, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := s.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(step, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbErr(step, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(step, err)
	}
	return out, nil
}
