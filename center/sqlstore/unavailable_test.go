package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"fengqiao/app"
	"fengqiao/center/centertest"
)

// TestUnavailableDatabase checks that a database the centre cannot reach or cannot write to, as
// during a failover, gives app.EUNAVAILABLE (503, retried) and other failures do not.
func TestUnavailableDatabase(t *testing.T) {
	ctx := context.Background()
	nowhere, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:1/fengqiao?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer nowhere.Close()
	stores := []struct {
		name string
		db   func(t *testing.T) *sql.DB
	}{
		{"no server", func(*testing.T) *sql.DB { return nowhere }},
		{"a standby where the primary was", func(t *testing.T) *sql.DB {
			dsn := centertest.Postgres(t)
			replica := centertest.PostgresReplica(t, dsn)
			primary, err := Open(ctx, dsn) // the schema, for the standby to replay
			if err != nil {
				t.Fatal(err)
			}
			primary.Close()
			db, err := sql.Open("pgx", replica)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				var table sql.NullString
				if err := db.QueryRowContext(ctx, "SELECT to_regclass('login_failures')::text").Scan(&table); err != nil {
					t.Fatal(err)
				}
				if table.Valid {
					return db
				}
				if time.Now().After(deadline) {
					t.Fatal("the standby did not replay the schema in 30 s")
				}
			}
		}},
	}
	for _, tt := range stores {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{db: tt.db(t), postgres: true, now: time.Now}
			err := s.LoginSucceeded(ctx, "nobody")
			if code := app.ErrorCode(err); code != app.EUNAVAILABLE {
				t.Errorf("a write: %v (code %q), want %q", err, code, app.EUNAVAILABLE)
			}
			err = s.inTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO login_failures (name, failures, last_at) VALUES ('x', 1, 0)")
				return dbErr("write in a transaction", err)
			})
			if code := app.ErrorCode(err); code != app.EUNAVAILABLE {
				t.Errorf("a transaction: %v (code %q), want %q", err, code, app.EUNAVAILABLE)
			}
		})
	}
	for _, err := range []error{errors.New("disk full"), &pgconn.PgError{Code: "23505"}, &pgconn.PgError{Code: "40P01"}} {
		if code := app.ErrorCode(dbErr("step", err)); code != app.EINTERNAL {
			t.Errorf("%v: code %q, want %q", err, code, app.EINTERNAL)
		}
	}
}
