# shellcheck shell=bash
# Helpers for scripts/build-deb.sh: stage a package tree and build it with dpkg-deb alone.
# Sourced, not run. Every function fails loudly (the caller runs under set -euo pipefail).

# deb_install MODE SRC DEST: install one file into a staged tree, creating its folders.
deb_install() {
	install -D -m "$1" "$2" "$3"
}

# deb_gzip SRC DEST: compress a file for /usr/share/doc or /usr/share/man the way Debian wants
# it (maximum compression, no name or time stamp, so that the build is reproducible).
deb_gzip() {
	install -d "$(dirname "$2")"
	gzip -9nc "$1" >"$2"
	chmod 0644 "$2"
}

# deb_changelog ROOT PACKAGE SOURCE VERSION MAINTAINER: write the native package's changelog.gz.
deb_changelog() {
	local root=$1 package=$2 source=$3 version=$4 maintainer=$5 tmp
	tmp=$(mktemp)
	cat >"$tmp" <<-CHANGELOG
		$source ($version) unstable; urgency=medium

		  * Release $version; see the project's history for the changes.

		 -- $maintainer  $(date -R -u -d "@$SOURCE_DATE_EPOCH")
	CHANGELOG
	deb_gzip "$tmp" "$root/usr/share/doc/$package/changelog.gz"
	rm -f "$tmp"
}

# deb_shlibs BINARY...: the shared-library dependencies of the binaries, by dpkg-shlibdeps.
# When dpkg-shlibdeps fails, its own messages are printed and the function fails: the build then
# stops on the real cause (a library no installed package provides, say), not on an empty
# Depends line further on. Its warnings are shown too.
deb_shlibs() {
	local tmp line status=0
	tmp=$(mktemp -d)
	mkdir "$tmp/debian"
	printf 'Source: fengqiao\n\nPackage: fengqiao\nArchitecture: any\n' >"$tmp/debian/control"
	local bins=()
	for b in "$@"; do bins+=("$(realpath "$b")"); done
	line=$(cd "$tmp" && dpkg-shlibdeps -O "${bins[@]}" 2>"$tmp/errors") || status=$?
	# Its warning that the binaries are not yet in their package's folder is expected here.
	grep -v "binaries to analyze should already be installed" "$tmp/errors" | sed 's/^/build-deb: /' >&2 || true
	rm -rf "$tmp"
	if [ "$status" -ne 0 ] || [ "${line#shlibs:Depends=}" = "$line" ]; then
		echo "build-deb: dpkg-shlibdeps failed (exit status $status) on $*; its messages are above" >&2
		return 1
	fi
	printf '%s\n' "${line#shlibs:Depends=}"
}

# deb_build ROOT TEMPLATE OUTDIR SHLIBS: fill in DEBIAN/control from TEMPLATE, write md5sums,
# fix the permissions and time stamps, and build the .deb into OUTDIR. The caller sets VERSION,
# ARCH, MAINTAINER, HOMEPAGE and SOURCE_DATE_EPOCH.
# shellcheck disable=SC2153 # those globals are the caller's
deb_build() {
	local root=$1 template=$2 outdir=$3 shlibs=$4 size
	size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
	install -d -m 0755 "$root/DEBIAN"
	sed -e "s|@VERSION@|$VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@MAINTAINER@|$MAINTAINER|" \
		-e "s|@HOMEPAGE@|$HOMEPAGE|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
		"$template" >"$root/DEBIAN/control"
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
		xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	find "$root" -type d -exec chmod 0755 {} +
	chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	find "$root" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$outdir"
}
