package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/store"
)

// A backup taken while tickets are being issued restores to a consistent database.
func TestBackupWhileIssuingRestores(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai)}
	h := newHall(t, filepath.Join(dir, "hall.db"), c, nil)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := h.Issue(ctx, app.IssueRequest{Service: "legal"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	var backups []string
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, "backups", "b"+string(rune('0'+i))+".db")
		if err := h.DB().Backup(ctx, p); err != nil {
			t.Fatal(err)
		}
		backups = append(backups, p)
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	for _, b := range backups {
		restored := filepath.Join(t.TempDir(), "restored.db")
		if _, err := store.Restore(ctx, b, restored); err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(ctx, restored)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Integrity(ctx); err != nil {
			t.Error(err)
		}
		// Consistent: every ticket's issue event is there, and the counter matches the tickets.
		var tickets, issuedEvents, last int
		r := db.Reader()
		r.QueryRow("SELECT count(*) FROM tickets").Scan(&tickets)
		r.QueryRow("SELECT count(*) FROM events WHERE kind = 'ticket.issued'").Scan(&issuedEvents)
		r.QueryRow("SELECT coalesce(max(last), 0) FROM counters").Scan(&last)
		if tickets == 0 || tickets != issuedEvents || tickets != last {
			t.Errorf("%s: %d tickets, %d issue events, counter %d", filepath.Base(b), tickets, issuedEvents, last)
		}
		db.Close()
	}
}

func TestRestoreRefusesGarbageAndKeepsCurrent(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database at all"), 0o600)
	dbPath := filepath.Join(dir, "hall.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := store.Restore(ctx, garbage, dbPath); err == nil {
		t.Fatal("restored garbage")
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("the current database is gone after a refused restore: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	e, _ := sql.Open("sqlite3", empty)
	e.Exec("CREATE TABLE x (a)")
	e.Close()
	if _, err := store.Restore(ctx, empty, dbPath); err == nil {
		t.Error("restored a database that is not Fengqiao's")
	}
}

// Opening a database whose schema is behind backs it up before migrating; a new database and one
// with nothing pending are not backed up.
func TestUpgradeBacksUpFirst(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "hall.db")
	backups := func() []string {
		m, _ := filepath.Glob(path + ".pre-migrate-v*")
		return m
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = store.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if b := backups(); len(b) != 0 {
		t.Fatalf("backups of a new database and of one with nothing pending: %v", b)
	}
	v, _ := db.SchemaVersion(ctx)
	// Pretend the last migration is new: undo it.
	if _, err := db.Writer().Exec("DROP TABLE help_alerts; DELETE FROM schema_migrations WHERE version = 3"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, _ := db.SchemaVersion(ctx); got != v {
		t.Errorf("schema version %d after upgrade, want %d", got, v)
	}
	matches := backups()
	if len(matches) != 1 || !strings.HasPrefix(matches[0], fmt.Sprintf("%s.pre-migrate-v%d-", path, v)) {
		t.Fatalf("pre-migration backups: %v, want one of version %d", matches, v)
	}
	// The backup is the database as it was: without the migration that was pending.
	b, err := sql.Open("sqlite3", "file:"+matches[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	if err := b.QueryRow("SELECT count(*) FROM schema_migrations WHERE version = 3").Scan(&n); err != nil || n != 0 {
		t.Errorf("the backup holds migration 3 (%d rows, %v)", n, err)
	}
}

func TestRestoreRefusedWhileOpen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	path := filepath.Join(dir, "hall.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.db")
	if err := db.Backup(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, b, path); err == nil {
		t.Fatal("restored under an open database")
	}
	db.Close()
	if _, err := store.Restore(ctx, b, path); err != nil {
		t.Fatalf("restore after close: %v", err)
	}
}
