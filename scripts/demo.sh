#!/usr/bin/env bash
# The quick start: the whole demo hall on one machine. Installs the missing Debian packages
# (scripts/install-deps.sh), then runs `go run . demo`: the hub (127.0.0.1:8470), the kiosk with a
# simulated ID card reader, QR scanner and printer (receipts as PDF files in ./data/receipts), and
# the 模拟设备 panel to place a card or scan a receipt. Extra arguments go to the demo command,
# e.g. scripts/demo.sh --portrait
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
exec go run . demo --data ./data "$@"
