#!/usr/bin/env bash
# Renders every screen headless (Fyne's test driver) into docs/screenshots/*.png: run it after
# changing a screen. The renderers are the screens' Screenshots tests; with package arguments only
# those render (e.g. scripts/screenshots.sh ./screens/kiosk).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
	packages=(./screens/...)
fi
exec go test -count=1 -run 'Screenshots' "${packages[@]}" -args -screenshots "$(pwd)/docs/screenshots"
