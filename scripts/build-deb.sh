#!/usr/bin/env bash
# Builds Fengqiao's Debian packages with dpkg-deb alone (no debhelper):
#   dist/fengqiao_<version>_<arch>.deb          the hall: kiosk, hub, window, display, rate
#   dist/fengqiao-center_<version>_<arch>.deb   the centre server
# The version is FyneApp.toml's, or $FENGQIAO_VERSION. Needs Go, gcc and the Fyne headers
# (scripts/install-deps.sh) and dpkg-dev (dpkg-shlibdeps).
#
#   scripts/build-deb.sh           build both packages
#   scripts/build-deb.sh --check   build them, then run lintian (no errors allowed) and
#                                  systemd-analyze verify on the units (needs lintian, systemd)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=packaging/deb.sh
source packaging/deb.sh

check=false
case "${1:-}" in
"") ;;
--check) check=true ;;
*)
	echo "usage: scripts/build-deb.sh [--check]" >&2
	exit 2
	;;
esac

for tool in go gcc dpkg-deb dpkg-shlibdeps; do
	command -v "$tool" >/dev/null || {
		echo "build-deb: $tool is missing (apt-get install golang gcc dpkg-dev; scripts/install-deps.sh)" >&2
		exit 1
	}
done

VERSION=${FENGQIAO_VERSION:-$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)}
ARCH=$(dpkg --print-architecture)
MAINTAINER=${FENGQIAO_MAINTAINER:-"Fengqiao maintainers <fengqiao@fengqiao.org.cn>"}
HOMEPAGE=${FENGQIAO_HOMEPAGE:-"https://fengqiao.org.cn/"}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
umask 022

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "build-deb: building the programs ($VERSION, $ARCH)" >&2
# Hardened like Debian's own packages: PIE, full RELRO, stack protector, fortified libc calls.
export CGO_ENABLED=1
export CGO_CFLAGS="-O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2"
export CGO_LDFLAGS="-Wl,-z,relro -Wl,-z,now"
go build -trimpath -buildmode=pie -ldflags="-s -w" -o "$work/bin/fengqiao" .
go build -trimpath -buildmode=pie -ldflags="-s -w" -o "$work/bin/fengqiao-center" ./cmd/fengqiao-center

mkdir -p dist

# --- fengqiao: the hall ----------------------------------------------------------------------
root=$work/fengqiao
doc=$root/usr/share/doc/fengqiao
deb_install 0755 "$work/bin/fengqiao" "$root/usr/bin/fengqiao"
deb_install 0644 fengqiao.example.toml "$root/etc/fengqiao/fengqiao.toml"
for unit in fengqiao-hub.service fengqiao-backup.service fengqiao-backup.timer; do
	deb_install 0644 "packaging/systemd/$unit" "$root/usr/lib/systemd/system/$unit"
done
deb_install 0644 packaging/systemd/fengqiao-kiosk.service "$root/usr/lib/systemd/user/fengqiao-kiosk.service"
deb_install 0644 packaging/udev/70-fengqiao.rules "$root/usr/lib/udev/rules.d/70-fengqiao.rules"
deb_install 0644 packaging/desktop/cn.fengqiao.hall.desktop "$root/usr/share/applications/cn.fengqiao.hall.desktop"
deb_install 0644 assets/icon.png "$root/usr/share/icons/hicolor/512x512/apps/cn.fengqiao.hall.png"
deb_install 0644 packaging/desktop/fengqiao-kiosk-autostart.desktop "$root/usr/share/fengqiao/fengqiao-kiosk-autostart.desktop"
deb_install 0755 packaging/share/kiosk-session "$root/usr/libexec/fengqiao/kiosk-session"
deb_gzip packaging/man/fengqiao.1 "$root/usr/share/man/man1/fengqiao.1.gz"
deb_install 0644 packaging/share/copyright "$doc/copyright"
for f in install.md devices.md printing.md; do
	deb_install 0644 "docs/$f" "$doc/$f"
done
deb_changelog "$root" fengqiao fengqiao "$VERSION" "$MAINTAINER"
deb_install 0644 packaging/fengqiao/conffiles "$root/DEBIAN/conffiles"
for script in config postinst prerm postrm; do
	deb_install 0755 "packaging/fengqiao/$script" "$root/DEBIAN/$script"
done
deb_install 0644 packaging/fengqiao/templates "$root/DEBIAN/templates"
# An assignment of its own, so that a failing dpkg-shlibdeps stops the build (set -e).
shlibs=$(deb_shlibs "$work/bin/fengqiao")
deb_build "$root" packaging/fengqiao/control.in dist "$shlibs"

# --- fengqiao-center: the centre -------------------------------------------------------------
root=$work/fengqiao-center
doc=$root/usr/share/doc/fengqiao-center
deb_install 0755 "$work/bin/fengqiao-center" "$root/usr/bin/fengqiao-center"
deb_install 0644 packaging/fengqiao-center/center.env "$root/etc/fengqiao-center/center.env"
deb_install 0644 packaging/systemd/fengqiao-center.service "$root/usr/lib/systemd/system/fengqiao-center.service"
deb_gzip packaging/man/fengqiao-center.1 "$root/usr/share/man/man1/fengqiao-center.1.gz"
deb_install 0644 packaging/share/copyright "$doc/copyright"
deb_install 0644 docs/install.md "$doc/install.md"
deb_changelog "$root" fengqiao-center fengqiao "$VERSION" "$MAINTAINER"
deb_install 0644 packaging/fengqiao-center/conffiles "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
	deb_install 0755 "packaging/fengqiao-center/$script" "$root/DEBIAN/$script"
done
# An assignment of its own, so that a failing dpkg-shlibdeps stops the build (set -e).
shlibs=$(deb_shlibs "$work/bin/fengqiao-center")
deb_build "$root" packaging/fengqiao-center/control.in dist "$shlibs"

debs=("dist/fengqiao_${VERSION}_$ARCH.deb" "dist/fengqiao-center_${VERSION}_$ARCH.deb")
printf '%s\n' "${debs[@]}"

if $check; then
	echo "build-deb: lintian" >&2
	# --fail-on error: warnings are reported but do not fail the build.
	lintian --fail-on error --display-info "${debs[@]}" >&2
	echo "build-deb: systemd-analyze verify" >&2
	# Verify the units as installed, with their programs from the packages: unpack both into a
	# scratch root and point the units' paths there (verify checks that the programs exist and
	# that the man pages they name are found).
	for deb in "${debs[@]}"; do
		dpkg-deb -x "$deb" "$work/verify"
	done
	mkdir -p "$work/units" "$work/runtime"
	for unit in "$work"/verify/usr/lib/systemd/system/* "$work"/verify/usr/lib/systemd/user/*; do
		sed "s|/usr/bin/fengqiao|$work/verify/usr/bin/fengqiao|g" "$unit" >"$work/units/${unit##*/}"
	done
	(
		cd "$work/units"
		export MANPATH=$work/verify/usr/share/man SYSTEMD_LOG_LEVEL=warning
		systemd-analyze verify fengqiao-hub.service fengqiao-backup.service fengqiao-backup.timer fengqiao-center.service
		XDG_RUNTIME_DIR=$work/runtime systemd-analyze --user verify fengqiao-kiosk.service
	) 2>&1 | tee "$work/verify.log" >&2
	if [ -s "$work/verify.log" ]; then
		echo "build-deb: systemd-analyze verify reported problems (above)" >&2
		exit 1
	fi
	echo "build-deb: checks passed" >&2
fi
