package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the database to path with SQLite's online backup API. It is
// safe while the hall is open: it reads one snapshot through a reader connection (in WAL mode
// readers never block the writer), so tickets keep being issued while it runs. An existing file at
// path is replaced only once the copy is complete and checked.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	tmp := path + ".partial"
	os.Remove(tmp)
	if err := backupTo(ctx, db.read, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := checkFile(ctx, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: copy failed its check: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func backupTo(ctx context.Context, src *sql.DB, path string) error {
	dst, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", path, err)
	}
	defer dst.Close()
	dc, err := dst.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", path, err)
	}
	defer dc.Close()
	sc, err := src.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer sc.Close()
	err = dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			dconn, ok1 := d.(*sqlite3.SQLiteConn)
			sconn, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("backup: not a SQLite connection")
			}
			b, err := dconn.Backup("main", sconn, "main")
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			// One step copies every page from one read snapshot: consistent by construction.
			if _, err := b.Step(-1); err != nil {
				b.Close()
				return fmt.Errorf("backup: copy: %w", err)
			}
			if err := b.Finish(); err != nil {
				return fmt.Errorf("backup: finish: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	// The copy carries the source's WAL mode; a backup is one self-contained file.
	if _, err := dc.ExecContext(ctx, "PRAGMA journal_mode = DELETE"); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// checkFile opens a database file read-only and runs its integrity check.
func checkFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("not a Fengqiao database: %w", err)
	}
	return nil
}

// Restore replaces the database file at dbPath with the backup at from. The hall must be stopped.
// The backup is checked first; the database it replaces is kept beside it as
// <dbPath>.before-restore-<time>. The restored database starts a new epoch and is marked to
// recover from the centre, on the hub's next start, the events it had pushed beyond the backup
// (StartRecovery).
func Restore(ctx context.Context, from, dbPath string) (kept string, err error) {
	kept, err = restoreFile(ctx, from, dbPath)
	if err != nil {
		return kept, err
	}
	db, err := Open(ctx, dbPath)
	if err != nil {
		return kept, fmt.Errorf("restore: open the restored database: %w", err)
	}
	defer db.Close()
	if err := db.StartRecovery(ctx); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, nil
}

func restoreFile(ctx context.Context, from, dbPath string) (kept string, err error) {
	if err := checkFile(ctx, from); err != nil {
		return "", fmt.Errorf("restore: %s is not a usable backup: %w", from, err)
	}
	if err := ensureDir(filepath.Dir(dbPath)); err != nil {
		return "", err
	}
	lock, err := exclusiveLock(dbPath)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if lock != nil {
		defer lock.Close()
	}
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".before-restore-" + time.Now().Format("20060102-150405")
		// Fold the WAL into the file first, so the kept copy is whole.
		if c, err := sql.Open("sqlite3", "file:"+dbPath); err == nil {
			c.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			c.Close()
		}
		if err := os.Rename(dbPath, kept); err != nil {
			return "", fmt.Errorf("restore: keep the current database: %w", err)
		}
	}
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")
	if err := copyFile(from, dbPath+".restoring"); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(dbPath+".restoring", dbPath); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
