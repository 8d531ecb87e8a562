// Package migrate brings a database's schema up to date from numbered SQL files. The hall's SQLite
// store and the centre's store (PostgreSQL or SQLite) both use it.
//
// A migration is a file NNN_what.sql. Each pending migration runs in its own transaction together
// with its row in the schema_migrations table, so a migration that fails leaves the schema and the
// version as they were. Migrations only go forward.
package migrate

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string // the file's name, e.g. "001_queue.sql"
	SQL     string
}

// Dialect is what differs between the databases a migration runs on.
type Dialect struct {
	// Numbered placeholders ($1, $2, …) instead of ?.
	Numbered bool
	// Lock, if not empty, is run first in every transaction of the migrator, so that two
	// processes starting at once do not migrate the same database together.
	Lock string
}

var (
	// SQLite is the dialect of mattn/go-sqlite3. SQLite has one writer: a transaction that
	// writes holds the database's lock, so Lock is not needed.
	SQLite = Dialect{}
	// Postgres is the dialect of pgx. A transaction-level advisory lock serialises migrators.
	Postgres = Dialect{Numbered: true, Lock: "SELECT pg_advisory_xact_lock(7446001)"}
)

// Options tune Up.
type Options struct {
	Dialect Dialect
	// BeforeUpgrade, if set, runs once before the first pending migration of a database that
	// already has a schema (from is its version): the hall backs its SQLite file up here. It does
	// not run for a new database or when nothing is pending. An error stops the upgrade before
	// any migration runs.
	BeforeUpgrade func(ctx context.Context, from int, pending []Migration) error
	// Now stamps applied_at; time.Now if nil.
	Now func() time.Time
}

// Load reads the migrations in dir of fsys, in version order. Every .sql file there must be named
// NNN_what.sql, and no two may share a number.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	migs := make([]Migration, 0, len(names))
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("load migrations: %s has no number prefix (want NNN_what.sql)", base)
		}
		body, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("load migrations: %w", err)
		}
		migs = append(migs, Migration{Version: v, Name: base, SQL: string(body)})
	}
	slices.SortFunc(migs, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i := 1; i < len(migs); i++ {
		if migs[i].Version == migs[i-1].Version {
			return nil, fmt.Errorf("load migrations: %s and %s share version %d", migs[i-1].Name, migs[i].Name, migs[i].Version)
		}
	}
	return migs, nil
}

// Up applies the migrations that db lacks, in version order, each in its own transaction with its
// row in schema_migrations. It returns the migrations it applied (none on a rerun).
func Up(ctx context.Context, db *sql.DB, migs []Migration, opt Options) ([]Migration, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	d := opt.Dialect
	if err := inTx(ctx, db, d, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
		return err
	}); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var pending []Migration
	from := 0
	for _, m := range migs {
		if !applied[m.Version] {
			pending = append(pending, m)
		}
	}
	for v := range applied {
		from = max(from, v)
	}
	if len(pending) == 0 {
		return nil, nil
	}
	if len(applied) > 0 && opt.BeforeUpgrade != nil {
		if err := opt.BeforeUpgrade(ctx, from, pending); err != nil {
			return nil, fmt.Errorf("migrate: before upgrading from version %d: %w", from, err)
		}
	}
	exists, insert := "SELECT count(*) FROM schema_migrations WHERE version = ?",
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
	if d.Numbered {
		exists, insert = "SELECT count(*) FROM schema_migrations WHERE version = $1",
			"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"
	}
	var done []Migration
	for _, m := range pending {
		ran := false
		err := inTx(ctx, db, d, func(tx *sql.Tx) error {
			// Another process may have applied it since the versions were read.
			var n int
			if err := tx.QueryRowContext(ctx, exists, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insert, m.Version, m.Name, now().UnixMicro()); err != nil {
				return fmt.Errorf("record version: %w", err)
			}
			ran = true
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("migrate %s: %w", m.Name, err)
		}
		if ran {
			done = append(done, m)
		}
	}
	return done, nil
}

// Version returns the highest applied migration's number, 0 for a database without any.
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

func appliedVersions(ctx context.Context, db *sql.DB) (map[int]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// inTx runs fn in a transaction that first takes the dialect's lock, and commits it if fn succeeds.
func inTx(ctx context.Context, db *sql.DB, d Dialect, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if d.Lock != "" {
		if _, err := tx.ExecContext(ctx, d.Lock); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
