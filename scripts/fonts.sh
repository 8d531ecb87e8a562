#!/usr/bin/env bash
# Regenerates the fonts embedded by package fengqiao/assets (assets/fonts/) from Debian packages:
#
#   wqy-microhei.ttf             face 0 of fonts-wqy-microhei's wqy-microhei.ttc (Latin + CJK), split
#                                out of the collection by assets/internal/ttcsplit (gofpdf reads no .ttc)
#   DroidSansFallback-ExtA.ttf   fonts-droid-fallback's DroidSansFallbackFull.ttf subset to CJK
#                                Extension A, radicals, strokes and compatibility ideographs: the rare
#                                name characters WenQuanYi Micro Hei lacks (needs python3-fonttools)
#
# Both are Apache-2.0; the licence texts and Debian copyright notices are copied beside them.
# Run from anywhere on a Debian machine with apt sources; needs root only to install fonttools.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/assets/fonts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # lets apt-get download write as user _apt

if ! /usr/bin/python3 -c 'import fontTools' 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends python3-fonttools >/dev/null
fi

(cd "$work" && apt-get download fonts-wqy-microhei fonts-droid-fallback >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done

mkdir -p "$out"
(cd "$root" && go run ./assets/internal/ttcsplit -face 0 \
  "$work/x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" "$out/wqy-microhei.ttf")

/usr/bin/python3 -m fontTools.subset "$work/x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf" \
  --unicodes="U+2E80-2FDF,U+31C0-31EF,U+3400-4DBF,U+F900-FAFF" \
  --name-IDs='*' --name-languages='*' --notdef-outline --no-hinting --layout-features='' \
  --output-file="$out/DroidSansFallback-ExtA.ttf"

cp /usr/share/common-licenses/Apache-2.0 "$out/LICENSE-Apache-2.0.txt"
cp "$work/x/usr/share/doc/fonts-wqy-microhei/copyright" "$out/COPYRIGHT-wqy-microhei.txt"
cp "$work/x/usr/share/doc/fonts-droid-fallback/copyright" "$out/COPYRIGHT-DroidSansFallback.txt"
ls -l "$out"
