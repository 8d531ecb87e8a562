#!/usr/bin/env bash
# Installs the Debian packages Fengqiao needs on a fresh Debian 12 machine (which has only Go).
#
#   scripts/install-deps.sh          everything the tests need: the build packages below, the tools
#                                    the tests use (poppler's pdftotext and pdftoppm, headless
#                                    Chromium, shellcheck), a PostgreSQL server, CUPS with a PDF
#                                    queue driver (the printer tests run a private cupsd) and the
#                                    zh_CN.UTF-8 locale (they check lpstat under a Chinese desktop)
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
test) want+=(poppler-utils chromium shellcheck postgresql locales cups cups-client cups-bsd printer-driver-cups-pdf) ;;
*)
  echo "usage: scripts/install-deps.sh [build|test]" >&2
  exit 2
  ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# zh_CN.UTF-8 for the tests that run lp and lpstat under a Chinese locale.
zh_locale() {
  [ "${1:-test}" = test ] || return 0
  locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8' && return 0
  echo "generating locale zh_CN.UTF-8" >&2
  $SUDO localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
}

if [ ${#missing[@]} -eq 0 ]; then
  zh_locale "${1:-test}"
  exit 0
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
zh_locale "${1:-test}"
