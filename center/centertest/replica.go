package centertest

import (
	"net/url"
	"os"
	"testing"
)

// ReplicaEnv names the environment variable holding the DSN of a streaming replica of the
// server of PostgresEnv (start one with scripts/pg-replica-start.sh).
const ReplicaEnv = "FENGQIAO_TEST_POSTGRES_REPLICA"

// PostgresReplica returns the DSN of the replica's copy of the test database that primary (a
// DSN from Postgres) names: the same schema, on the server of ReplicaEnv. It skips the test if
// ReplicaEnv is not set.
func PostgresReplica(t testing.TB, primary string) string {
	dsn := os.Getenv(ReplicaEnv)
	if dsn == "" {
		t.Skipf("replica tests skipped: %s is not set (export %s=$(scripts/pg-replica-start.sh))", ReplicaEnv, ReplicaEnv)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", ReplicaEnv, err)
	}
	p, err := url.Parse(primary)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", p.Query().Get("search_path"))
	u.RawQuery = q.Encode()
	return u.String()
}
