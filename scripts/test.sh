#!/usr/bin/env bash
# Runs every test of Fengqiao on a fresh Debian 12 machine that has only Go: it installs the
# Debian packages the build and the tests need (scripts/install-deps.sh), starts a throwaway
# PostgreSQL server on 127.0.0.1 (scripts/pg-start.sh) and a streaming replica of it
# (scripts/pg-replica-start.sh), then runs `go vet`, `go test ./...`, and
# the race detector over the concurrent core. With arguments, only `go test` with them runs
# (e.g. scripts/test.sh -run Crash ./hub).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ -z "${FENGQIAO_TEST_POSTGRES:-}" ]; then
	FENGQIAO_TEST_POSTGRES=$(bash scripts/pg-start.sh)
	export FENGQIAO_TEST_POSTGRES
	# A streaming replica of that server, for the tests of reads from a replica.
	if [ -z "${FENGQIAO_TEST_POSTGRES_REPLICA:-}" ]; then
		FENGQIAO_TEST_POSTGRES_REPLICA=$(bash scripts/pg-replica-start.sh)
		export FENGQIAO_TEST_POSTGRES_REPLICA
	fi
fi

go vet ./...
if [ $# -gt 0 ]; then
	exec go test -count=1 -timeout 30m "$@"
fi
go test -count=1 -timeout 30m ./...
# The race detector over the concurrent core: the queue authority, its API, sync, the centre and
# the device drivers (-short leaves out the 200-kill crash test, which ran above).
go test -race -short -count=1 -timeout 20m ./app/... ./store/... ./hub/... ./hallsync/... ./center/... ./devices/...
