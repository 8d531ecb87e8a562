#!/usr/bin/env bash
# Runs every test of Fengqiao on a fresh Debian 12 machine that has only Go: it installs the
# Debian packages the build and the tests need (scripts/install-deps.sh), starts a throwaway
# PostgreSQL server on 127.0.0.1 (scripts/pg-start.sh), then runs `go vet` and `go test ./...`.
# Extra arguments go to `go test` (e.g. scripts/test.sh -run Crash ./hub).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [ -z "${FENGQIAO_TEST_POSTGRES:-}" ]; then
	FENGQIAO_TEST_POSTGRES=$(bash scripts/pg-start.sh)
	export FENGQIAO_TEST_POSTGRES
fi

go vet ./...
if [ $# -eq 0 ]; then
	set -- ./...
fi
go test -count=1 -timeout 30m "$@"
