#!/usr/bin/env bash
# pg-start.sh starts a throwaway PostgreSQL 15 server for the tests, listening on 127.0.0.1 only,
# installing the Debian package first if it is missing. It is idempotent: a server already running
# in the data directory is reused. It prints the DSN of a test database on stdout, so:
#
#	export FENGQIAO_TEST_POSTGRES=$(scripts/pg-start.sh)
#
# Settings (environment): FENGQIAO_PG_PORT (55432), FENGQIAO_PG_DIR (/tmp/fengqiao-pg),
# FENGQIAO_PG_DB (fengqiao_test), FENGQIAO_PG_OPTS (more server settings, e.g. the city settings
# of docs/install.md for the bench: "-c shared_buffers=4GB -c max_wal_size=8GB"; they apply when
# the server starts, so stop it first). Stop it with: scripts/pg-start.sh stop
set -euo pipefail

port=${FENGQIAO_PG_PORT:-55432}
dir=${FENGQIAO_PG_DIR:-/tmp/fengqiao-pg}
db=${FENGQIAO_PG_DB:-fengqiao_test}
bin=/usr/lib/postgresql/15/bin
dsn="postgres://postgres@127.0.0.1:${port}/${db}?sslmode=disable"

log() { echo "pg-start: $*" >&2; }

if [ ! -x "$bin/initdb" ]; then
	log "installing postgresql-15"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >&2
	$sudo apt-get install -y -qq --no-install-recommends postgresql-15 >&2
fi

# PostgreSQL refuses to run as root: run it as the postgres user then.
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

if [ ! -f "$dir/data/PG_VERSION" ]; then
	mkdir -p "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
	log "initdb in $dir/data"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi

if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
	log "reusing the server running in $dir/data"
else
	log "starting on 127.0.0.1:$port"
	# A throwaway server: durability settings stay at their defaults (fsync on) so that the
	# benchmark measures what production would see.
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 ${FENGQIAO_PG_OPTS:-}" start >&2
fi

psql="$bin/psql -h 127.0.0.1 -p $port -U postgres -X -q -t -A"
if [ "$($psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
	$psql -d postgres -c "CREATE DATABASE $db" >&2
fi
echo "$dsn"
