#!/usr/bin/env bash
# pg-replica-start.sh starts a throwaway PostgreSQL 15 streaming replica (a hot standby) of the
# test server that scripts/pg-start.sh runs, on another loopback port, for the tests of reads
# from a replica. It takes a base backup of the primary with pg_basebackup -R (which writes the
# standby's primary_conninfo and standby.signal), so the primary must be running. It is
# idempotent: a standby already running in the data directory is reused. It prints the DSN of
# the test database on the standby on stdout, so:
#
#	export FENGQIAO_TEST_POSTGRES=$(scripts/pg-start.sh)
#	export FENGQIAO_TEST_POSTGRES_REPLICA=$(scripts/pg-replica-start.sh)
#
# Settings (environment): FENGQIAO_PG_PORT (55432, the primary's), FENGQIAO_PG_REPLICA_PORT
# (55433), FENGQIAO_PG_REPLICA_DIR (/tmp/fengqiao-pg-replica), FENGQIAO_PG_DB (fengqiao_test).
# Stop it with: scripts/pg-replica-start.sh stop
set -euo pipefail

primary=${FENGQIAO_PG_PORT:-55432}
port=${FENGQIAO_PG_REPLICA_PORT:-55433}
dir=${FENGQIAO_PG_REPLICA_DIR:-/tmp/fengqiao-pg-replica}
db=${FENGQIAO_PG_DB:-fengqiao_test}
bin=/usr/lib/postgresql/15/bin
dsn="postgres://postgres@127.0.0.1:${port}/${db}?sslmode=disable"

log() { echo "pg-replica-start: $*" >&2; }

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

if [ "${1:-}" = stop ]; then
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
	fi
	exit 0
fi

if [ ! -x "$bin/pg_basebackup" ]; then
	log "no PostgreSQL 15 here: run scripts/pg-start.sh first"
	exit 1
fi

primary_sql() { as_pg "$bin/psql" -h 127.0.0.1 -p "$primary" -U postgres -X -q -t -A -d postgres -c "$1"; }

# A standby left from an earlier run streams through its replication slot on the primary. If the
# slot is gone (dropped, or lost past max_slot_wal_keep_size below) the standby can never catch
# up: start it again from a fresh base backup.
if [ -f "$dir/data/PG_VERSION" ] && [ "$(primary_sql "SELECT count(*) FROM pg_replication_slots
	WHERE slot_name = 'fengqiao_test_replica' AND wal_status IS DISTINCT FROM 'lost'")" != 1 ]; then
	log "the standby's replication slot is gone from the primary: taking a fresh base backup"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
	fi
	rm -rf "$dir/data"
fi

# A stopped standby must not make the primary keep WAL without end (it once filled the disk):
# past 4 GB the slot is given up, and the check above rebuilds the standby next time.
primary_sql "ALTER SYSTEM SET max_slot_wal_keep_size = '4GB'" >/dev/null
primary_sql "SELECT pg_reload_conf()" >/dev/null

if [ ! -f "$dir/data/PG_VERSION" ]; then
	mkdir -p "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
	log "base backup of 127.0.0.1:$primary into $dir/data"
	# -R: standby.signal and primary_conninfo; -X stream: the WAL of the backup comes along;
	# -C -S: a replication slot, so the primary keeps the WAL the standby still needs.
	primary_sql "SELECT pg_drop_replication_slot('fengqiao_test_replica') FROM pg_replication_slots
		WHERE slot_name = 'fengqiao_test_replica'" >/dev/null
	as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir/data" -R -X stream \
		-C -S fengqiao_test_replica >&2
fi

if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
	log "reusing the standby running in $dir/data"
else
	log "starting the standby on 127.0.0.1:$port"
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c hot_standby=on" start >&2
fi

# The standby is read-only: wait until it answers and has the test database.
for _ in $(seq 1 60); do
	if [ "$(as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -t -A -d postgres \
		-c "SELECT count(*) FROM pg_database WHERE datname = '$db'" 2>/dev/null)" = 1 ]; then
		echo "$dsn"
		exit 0
	fi
	sleep 1
done
log "the standby on 127.0.0.1:$port did not come up with database $db (see $dir/server.log)"
exit 1
