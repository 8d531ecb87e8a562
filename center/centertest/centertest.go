// Package centertest provides the centre databases that tests run against: a SQLite file in a
// temporary directory, and a fresh schema of the PostgreSQL server named by the environment
// variable FENGQIAO_TEST_POSTGRES (start one with scripts/pg-start.sh).
package centertest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
)

// PostgresEnv names the environment variable holding the test server's DSN.
const PostgresEnv = "FENGQIAO_TEST_POSTGRES"

// Backend is a kind of centre database.
type Backend struct {
	Name string
	// DSN returns the DSN of a new, empty database for the test, removed when the test ends.
	// It skips the test if the backend is not available.
	DSN func(t testing.TB) string
}

// Backends returns SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", DSN: SQLite}, {Name: "postgres", DSN: Postgres}}
}

// SQLite returns the DSN of a new SQLite database in the test's temporary directory.
func SQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "centre.db")
}

// Postgres returns the DSN of a new schema on the test server, dropped at the end of the test.
func Postgres(t testing.TB) string {
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: %s is not set (export %s=$(scripts/pg-start.sh))", PostgresEnv, PostgresEnv)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema (is the server of %s running?): %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
