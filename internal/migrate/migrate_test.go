package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"fengqiao/center/centertest"
	"fengqiao/internal/migrate"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"
)

// backend is a database the migrator runs on.
type backend struct {
	name    string
	dialect migrate.Dialect
	open    func(t *testing.T) *sql.DB
}

func backends() []backend {
	return []backend{
		{"sqlite", migrate.SQLite, func(t *testing.T) *sql.DB {
			return openDB(t, "sqlite3", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
		}},
		{"postgres", migrate.Postgres, func(t *testing.T) *sql.DB {
			return openDB(t, "pgx", centertest.Postgres(t))
		}},
	}
}

func openDB(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// set builds migrations from bodies: the first is version 1.
func set(t *testing.T, bodies ...string) []migrate.Migration {
	t.Helper()
	fsys := fstest.MapFS{}
	for i, b := range bodies {
		fsys[fmt.Sprintf("m/%03d_step.sql", i+1)] = &fstest.MapFile{Data: []byte(b)}
	}
	migs, err := migrate.Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	return migs
}

const (
	createA = "CREATE TABLE a (id INTEGER PRIMARY KEY); INSERT INTO a (id) VALUES (1);"
	createB = "CREATE TABLE b (id INTEGER PRIMARY KEY);"
	createC = "CREATE TABLE c (id INTEGER PRIMARY KEY);"
	// broken creates a table, changes a row and then fails: none of it may stay.
	broken = "CREATE TABLE d (id INTEGER PRIMARY KEY); UPDATE a SET id = 2; INSERT INTO no_such_table (x) VALUES (1);"
)

func tableExists(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	_, err := db.Exec("SELECT count(*) FROM " + name)
	return err == nil
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	v, err := migrate.Version(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestUpAppliesInOrderAndRerunsIdempotently(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			migs := set(t, createA, createB)
			upgrades := 0
			opt := migrate.Options{Dialect: b.dialect, BeforeUpgrade: func(context.Context, int, []migrate.Migration) error {
				upgrades++
				return nil
			}}
			done, err := migrate.Up(ctx, db, migs, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != 2 || version(t, db) != 2 || !tableExists(t, db, "a") || !tableExists(t, db, "b") {
				t.Fatalf("first run applied %d, version %d", len(done), version(t, db))
			}
			for range 2 {
				done, err = migrate.Up(ctx, db, migs, opt)
				if err != nil || len(done) != 0 {
					t.Fatalf("rerun applied %v, err %v", done, err)
				}
			}
			var rows int
			db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&rows)
			if rows != 2 || version(t, db) != 2 {
				t.Errorf("after reruns: %d version rows, version %d", rows, version(t, db))
			}
			if upgrades != 0 {
				t.Errorf("BeforeUpgrade ran %d times for a new database and for reruns with nothing pending", upgrades)
			}
		})
	}
}

// A migration that fails leaves the schema, the data and the version as they were; the ones
// before it in the same run stay applied, since each has its own transaction.
func TestFailedMigrationChangesNothing(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			opt := migrate.Options{Dialect: b.dialect}
			if _, err := migrate.Up(ctx, db, set(t, createA), opt); err != nil {
				t.Fatal(err)
			}
			done, err := migrate.Up(ctx, db, set(t, createA, createC, broken), opt)
			if err == nil || !strings.Contains(err.Error(), "003_step.sql") {
				t.Fatalf("err = %v, want the failure of 003_step.sql", err)
			}
			if len(done) != 1 || done[0].Version != 2 {
				t.Errorf("applied %v before the failure, want version 2", done)
			}
			if v := version(t, db); v != 2 {
				t.Errorf("version %d after the failure, want 2", v)
			}
			if !tableExists(t, db, "c") {
				t.Error("migration 2, committed before the failure, is gone")
			}
			if tableExists(t, db, "d") {
				t.Error("the failed migration's table stayed")
			}
			var id int
			if err := db.QueryRow("SELECT id FROM a").Scan(&id); err != nil || id != 1 {
				t.Errorf("row of a = %d (%v), want 1: the failed migration's update stayed", id, err)
			}
		})
	}
}

func TestBeforeUpgrade(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			if _, err := migrate.Up(ctx, db, set(t, createA), migrate.Options{Dialect: b.dialect}); err != nil {
				t.Fatal(err)
			}
			// A refusing hook stops the upgrade before anything runs.
			refuse := errors.New("disk full")
			_, err := migrate.Up(ctx, db, set(t, createA, createB), migrate.Options{Dialect: b.dialect,
				BeforeUpgrade: func(context.Context, int, []migrate.Migration) error { return refuse }})
			if !errors.Is(err, refuse) {
				t.Fatalf("err = %v, want the hook's", err)
			}
			if version(t, db) != 1 || tableExists(t, db, "b") {
				t.Fatal("a migration ran although the hook before the upgrade failed")
			}
			var from, pending, calls int
			_, err = migrate.Up(ctx, db, set(t, createA, createB, createC), migrate.Options{Dialect: b.dialect,
				BeforeUpgrade: func(_ context.Context, f int, p []migrate.Migration) error {
					calls++
					from, pending = f, len(p)
					// The hook sees the database before the upgrade.
					if tableExists(t, db, "b") {
						t.Error("the hook ran after a pending migration")
					}
					return nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			if calls != 1 || from != 1 || pending != 2 {
				t.Errorf("hook: %d calls, from %d, %d pending; want 1 call, from 1, 2 pending", calls, from, pending)
			}
		})
	}
}

// Two processes starting at once apply each migration once.
func TestConcurrentUpOnPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := centertest.Postgres(t)
	migs := set(t, createA, createB, createC)
	var wg sync.WaitGroup
	applied := make([]int, 4)
	for i := range applied {
		db := openDB(t, "pgx", dsn)
		wg.Go(func() {
			done, err := migrate.Up(ctx, db, migs, migrate.Options{Dialect: migrate.Postgres})
			if err != nil {
				t.Error(err)
			}
			applied[i] = len(done)
		})
	}
	wg.Wait()
	total := 0
	for _, n := range applied {
		total += n
	}
	if total != 3 {
		t.Errorf("migrations applied %v times in all (%v), want 3", total, applied)
	}
}

func TestLoadRefusesBadNames(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"no number", []string{"m/init.sql"}, "no number prefix"},
		{"zero", []string{"m/000_init.sql"}, "no number prefix"},
		{"shared number", []string{"m/001_a.sql", "m/1_b.sql"}, "share version 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			_, err := migrate.Load(fsys, "m")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	fsys := fstest.MapFS{"m/010_c.sql": {}, "m/002_b.sql": {}, "m/001_a.sql": {}, "m/README": {}}
	migs, err := migrate.Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range migs {
		got = append(got, m.Name)
	}
	if strings.Join(got, " ") != "001_a.sql 002_b.sql 010_c.sql" {
		t.Errorf("order %v", got)
	}
}
