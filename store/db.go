// Package store keeps the hall's queue, cases and event log in SQLite. It implements app.Hall.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a transaction that has
// returned survives a crash or a power cut. All writes go through one connection in immediate
// transactions (one writer); reads use a separate pool and never wait for the writer.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fengqiao/internal/migrate"

	_ "github.com/mattn/go-sqlite3" // SQLite driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open hall database.
type DB struct {
	path  string
	write *sql.DB // one connection: the only writer
	read  *sql.DB // a pool of read-only connections
	ckpt  *sql.DB // one connection that checkpoints the WAL in the background
	lock  *os.File
	epoch string
	// recovering is set while the database must take its events back from the centre
	// (StartRecovery until FinishRecovery): the hall refuses changes meanwhile.
	recovering atomic.Bool
	stop       context.CancelFunc
	done       chan struct{}
}

// Open opens (creating if needed) the database at path and brings its schema up to date.
func Open(ctx context.Context, path string) (_ *DB, err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := ensureDir(dir); err != nil {
			return nil, err
		}
	}
	lock, err := useLock(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && lock != nil {
			lock.Close()
		}
	}()
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	rq := url.Values{}
	rq.Set("_journal_mode", "WAL")
	rq.Set("_foreign_keys", "on")
	rq.Set("_busy_timeout", "10000")
	rq.Set("_query_only", "1")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	r.SetMaxOpenConns(4)

	// Checkpoints copy the WAL into the database file. SQLite runs them inside a committing
	// transaction by default, which puts an occasional long fsync on a visitor's ticket; here the
	// writer never checkpoints and a background connection does it instead.
	if _, err := w.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	c, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	c.SetMaxOpenConns(1)

	db := &DB{path: path, write: w, read: r, ckpt: c, lock: lock, done: make(chan struct{})}
	if err := db.migrate(ctx); err != nil {
		close(db.done)
		db.Close()
		return nil, err
	}
	if err := db.read.QueryRowContext(ctx, "SELECT value FROM hall_meta WHERE key = 'epoch'").Scan(&db.epoch); err != nil {
		close(db.done)
		db.Close()
		return nil, fmt.Errorf("read epoch: %w", err)
	}
	var pending int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM hall_meta WHERE key = 'recover_after'").Scan(&pending); err != nil {
		close(db.done)
		db.Close()
		return nil, fmt.Errorf("read recovery state: %w", err)
	}
	db.recovering.Store(pending > 0)
	bg, stop := context.WithCancel(context.Background())
	db.stop = stop
	go db.checkpointLoop(bg)
	return db, nil
}

// checkpointInterval is how often the background connection checkpoints the WAL.
const checkpointInterval = 2 * time.Second

func (db *DB) checkpointLoop(ctx context.Context) {
	defer close(db.done)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// PASSIVE never blocks the writer or readers; it copies what it can.
			if _, err := db.ckpt.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
				slog.Warn("wal checkpoint failed", "err", err)
			}
		}
	}
}

// Epoch returns the id of this database's event log: a random hex string created when the database
// was first migrated. Event ids are only comparable within one epoch.
func (db *DB) Epoch() string { return db.epoch }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes the database.
func (db *DB) Close() error {
	if db.stop != nil {
		db.stop()
		<-db.done
	}
	// A final checkpoint leaves a small WAL behind for the next start.
	db.ckpt.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	err := errors.Join(db.read.Close(), db.write.Close(), db.ckpt.Close())
	if db.lock != nil {
		db.lock.Close()
	}
	return err
}

// Writer returns the single writer connection pool, for packages that extend the schema (the
// sync worker). Use it only for short transactions.
func (db *DB) Writer() *sql.DB { return db.write }

// Reader returns the read-only connection pool.
func (db *DB) Reader() *sql.DB { return db.read }

// Integrity runs SQLite's integrity check and returns an error unless it reports "ok".
func (db *DB) Integrity(ctx context.Context) error {
	var res string
	if err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// migrate applies the embedded migrations that the database lacks, each in its own transaction.
// Before upgrading a database that already has a schema it keeps a consistent copy of it beside
// the file, <path>.pre-migrate-v<version>-<time>.
func (db *DB) migrate(ctx context.Context) error {
	migs, err := migrate.Load(migrationFS, "migrations")
	if err != nil {
		return err
	}
	_, err = migrate.Up(ctx, db.write, migs, migrate.Options{
		Dialect: migrate.SQLite,
		BeforeUpgrade: func(ctx context.Context, from int, pending []migrate.Migration) error {
			pre := fmt.Sprintf("%s.pre-migrate-v%d-%s", db.path, from, time.Now().Format("20060102-150405"))
			if err := db.Backup(ctx, pre); err != nil {
				return fmt.Errorf("backup before upgrade: %w", err)
			}
			slog.Info("database backed up before upgrade", "backup", pre, "pending", len(pending))
			return nil
		},
	})
	return err
}

// SchemaVersion returns the highest applied migration number.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return migrate.Version(ctx, db.read)
}
