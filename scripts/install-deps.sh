#!/usr/bin/env bash
# Installs the Debian packages Fengqiao needs on a fresh Debian 12 machine (which has only Go).
#
#   scripts/install-deps.sh          everything the tests need: the build packages below, the tools
#                                    the tests use (poppler's pdftotext and pdftoppm, headless
#                                    Chromium, shellcheck) and a PostgreSQL server
#   scripts/install-deps.sh build    only what building and running the hall needs: C headers for
#                                    Fyne (cgo, X11, OpenGL) and espeak-ng for the spoken prompts
#
# In CI (CI set), a test whose tool is missing fails instead of skipping. Packages already present
# are skipped, so a second run costs a second.
set -euo pipefail

build=(
  gcc pkg-config
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
)
want=("${build[@]}")
case "${1:-test}" in
build) want+=(espeak-ng) ;;
test) want+=(poppler-utils chromium shellcheck postgresql) ;;
*)
  echo "usage: scripts/install-deps.sh [build|test]" >&2
  exit 2
  ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
