#!/usr/bin/env bash
# Cross-compiles dist/fengqiao.exe for Windows staff PCs (window console, hall display, rating
# pad) with Debian's mingw-w64: apt-get install gcc-mingw-w64-x86-64.
# -H=windowsgui: no console window opens behind the program (diagnostics such as
# "fengqiao.exe doctor" then print nothing; run them from a Linux PC of the hall, or build a
# console copy with FENGQIAO_WINDOWS_CONSOLE=1).
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-x86_64-w64-mingw32-gcc}
command -v "$CC" >/dev/null || {
	echo "build-windows: $CC is missing (apt-get install gcc-mingw-w64-x86-64)" >&2
	exit 1
}

ldflags="-s -w"
out=dist/fengqiao.exe
if [ "${FENGQIAO_WINDOWS_CONSOLE:-}" = 1 ]; then
	out=dist/fengqiao-console.exe
else
	ldflags="$ldflags -H=windowsgui"
fi

mkdir -p dist
CC=$CC CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	go build -trimpath -ldflags="$ldflags" -o "$out" .
echo "$out"
