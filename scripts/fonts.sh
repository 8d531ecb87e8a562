#!/usr/bin/env bash
# Regenerates the fonts embedded by package fengqiao/assets (assets/fonts/) from Debian packages:
#
#   wqy-microhei.ttf             face 0 of fonts-wqy-microhei's wqy-microhei.ttc (Latin + CJK), split
#                                out of the collection by assets/internal/ttcsplit (gofpdf reads no .ttc)
#   DroidSansFallback-ExtA.ttf   fonts-droid-fallback's DroidSansFallbackFull.ttf subset to CJK
#                                Extension A, radicals, strokes and compatibility ideographs: the rare
#                                name characters WenQuanYi Micro Hei lacks (needs python3-fonttools)
#   HanaMinB-ExtB.ttf            fonts-hanazono's HanaMinB.ttf subset to the CJK Extension B-F code
#                                points of HanaMinB-ExtB.unicodes (why: assets/fonts/README.md)
#
# The two fallback fonts are rescaled to 2048 units per em, WenQuanYi Micro Hei's, so that
# screens/theme can merge all three into one font without touching outlines.
#
# HanaMinB-ExtB.unicodes is kept in the repository; REGEN_UNICODES=1 rebuilds it from Unihan
# (Debian unicode-data).
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

(cd "$work" && apt-get download fonts-wqy-microhei fonts-droid-fallback fonts-hanazono >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done

mkdir -p "$out"
(cd "$root" && go run ./assets/internal/ttcsplit -face 0 \
  "$work/x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" "$out/wqy-microhei.ttf")

/usr/bin/python3 -m fontTools.subset "$work/x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf" \
  --unicodes="U+2E80-2FDF,U+31C0-31EF,U+3400-4DBF,U+F900-FAFF" \
  --name-IDs='*' --name-languages='*' --notdef-outline --no-hinting --layout-features='' \
  --output-file="$work/droid.ttf"
/usr/bin/python3 -m fontTools.ttLib.scaleUpem --output-file "$out/DroidSansFallback-ExtA.ttf" "$work/droid.ttf" 2048

if [ "${REGEN_UNICODES:-}" = 1 ]; then
  (cd "$work" && apt-get download unicode-data >/dev/null && dpkg-deb -x unicode-data_*.deb "$work/u")
  bzcat "$work"/u/usr/share/unicode/Unihan_*.txt.bz2 | grep -E $'^U\\+[23][0-9A-F]{4}\t' |
    awk -F'\t' '$2 ~ /^(kTGH|kTGHZ2013|kXHC1983|kUnihanCore2020|kIICore|kHKSCS|kJIS0213|kRSAdobe_Japan1_6)$/ {print $1}' |
    sort -u >"$out/HanaMinB-ExtB.unicodes"
fi
/usr/bin/python3 -m fontTools.subset "$work/x/usr/share/fonts/truetype/hanazono/HanaMinB.ttf" \
  --unicodes-file="$out/HanaMinB-ExtB.unicodes" \
  --name-IDs='*' --name-languages='*' --notdef-outline --no-hinting --layout-features='' \
  --output-file="$work/hana.ttf"
/usr/bin/python3 -m fontTools.ttLib.scaleUpem --output-file "$out/HanaMinB-ExtB.ttf" "$work/hana.ttf" 2048

cp /usr/share/common-licenses/Apache-2.0 "$out/LICENSE-Apache-2.0.txt"
cp "$work/x/usr/share/doc/fonts-wqy-microhei/copyright" "$out/COPYRIGHT-wqy-microhei.txt"
cp "$work/x/usr/share/doc/fonts-droid-fallback/copyright" "$out/COPYRIGHT-DroidSansFallback.txt"
cp "$work/x/usr/share/doc/fonts-hanazono/copyright" "$out/COPYRIGHT-HanaMinB.txt"
ls -l "$out"
