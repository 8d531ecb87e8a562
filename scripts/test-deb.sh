#!/usr/bin/env bash
# Installs, upgrades, removes and purges Fengqiao's packages in a Debian 12 root made with
# debootstrap, as an installer and apt would, and checks what the maintainer scripts promise:
# the service user and its groups, the data folder, the configuration's permissions, enabled
# units, an edited configuration surviving an upgrade, fengqiao doctor and backup working against
# a running hub, and nothing left behind after a purge.
#
#   sudo scripts/test-deb.sh          (builds the packages first if dist/ has none)
#
# Needs root and debootstrap; it reaches only Debian's mirror, through debootstrap and apt
# ($DEBIAN_MIRROR, default http://deb.debian.org/debian). The pristine root is kept in
# dist/test-root.pristine so later runs take seconds rather than minutes; delete it to start
# afresh. Takes a few minutes the first time, so CI may skip it.
set -euo pipefail
cd "$(dirname "$0")/.."

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
pristine=dist/test-root.pristine
root=dist/test-root

[ "$(id -u)" -eq 0 ] || { echo "test-deb: run as root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "test-deb: apt-get install debootstrap" >&2; exit 1; }

version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
arch=$(dpkg --print-architecture)
hall=dist/fengqiao_${version}_$arch.deb
centre=dist/fengqiao-center_${version}_$arch.deb
if [ ! -f "$hall" ] || [ ! -f "$centre" ]; then
	scripts/build-deb.sh
fi

step() { printf '\n== test-deb: %s\n' "$*" >&2; }
fail() { printf 'test-deb: FAIL: %s\n' "$*" >&2; exit 1; }

if [ ! -x "$pristine/usr/bin/apt-get" ]; then
	step "debootstrap bookworm from $mirror"
	rm -rf "$pristine" "$pristine.tmp"
	debootstrap --variant=minbase bookworm "$pristine.tmp" "$mirror"
	mv "$pristine.tmp" "$pristine"
fi

step "fresh root"
rm -rf "$root"
cp -a "$pristine" "$root"
hub=
cleanup() {
	if [ -n "$hub" ]; then
		kill "$hub" 2>/dev/null || true
		wait "$hub" 2>/dev/null || true
	fi
	for m in dev/pts proc; do
		mountpoint -q "$root/$m" && umount "$root/$m"
	done
	return 0
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mkdir -p "$root/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
apt_get() { in_root apt-get -y -q -o Dpkg::Options::=--force-confold "$@"; }

# An upgrade: the same package with a higher version.
upgrade=dist/test-upgrade
rm -rf "$upgrade"
mkdir -p "$upgrade"
dpkg-deb -R "$hall" "$upgrade/tree"
sed -i "s/^Version: .*/Version: $version+upgradetest/" "$upgrade/tree/DEBIAN/control"
dpkg-deb --root-owner-group --build "$upgrade/tree" "$upgrade/fengqiao-upgrade.deb" >/dev/null
cp "$hall" "$root/tmp/fengqiao.deb"
cp "$upgrade/fengqiao-upgrade.deb" "$root/tmp/fengqiao-upgrade.deb"
cp "$centre" "$root/tmp/fengqiao-center.deb"

step "dependencies (so that the purge can be compared with the state before the install)"
apt_get update
deps=$(dpkg-deb -f "$hall" Depends | sed -e 's/([^)]*)//g' -e 's/|[^,]*//g' -e 's/,/ /g')
# shellcheck disable=SC2086 # a list of package names
apt_get install --no-install-recommends $deps
snapshot() {
	chroot "$root" find / -xdev \( -path /proc -o -path /dev -o -path /tmp -o -path /var/lib/dpkg -o -path /var/lib/apt \
		-o -path /var/cache -o -path /var/log -o -path /run \) -prune -o -print |
		grep -v -E '^/etc/(passwd|group|shadow|gshadow)-$' | # adduser's backups: the user stays, by design
		LC_ALL=C sort
}
snapshot >"$upgrade/before"

step "install"
apt_get install --no-install-recommends /tmp/fengqiao.deb
in_root getent passwd fengqiao >/dev/null || fail "no fengqiao user"
groups=$(in_root id -nG fengqiao)
for g in fengqiao dialout lp; do
	[[ " $groups " == *" $g "* ]] || fail "fengqiao is not in group $g ($groups)"
done
[ "$(in_root stat -c '%U:%G %a' /var/lib/fengqiao)" = "fengqiao:fengqiao 750" ] || fail "/var/lib/fengqiao owner or mode"
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/fengqiao.toml)" = "root:fengqiao 640" ] || fail "configuration owner or mode"
[ -L "$root/etc/systemd/system/multi-user.target.wants/fengqiao-hub.service" ] || fail "hub not enabled"
[ -L "$root/etc/systemd/system/timers.target.wants/fengqiao-backup.timer" ] || fail "backup timer not enabled"
[[ $(in_root fengqiao help) == *doctor* ]] || fail "fengqiao help does not list doctor"

step "the hub refuses the shipped configuration's example secrets"
status=0
in_root runuser -u fengqiao -- fengqiao hub --config /etc/fengqiao/fengqiao.toml >"$upgrade/refused.log" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "the hub started with the example's tokens and PIN"
grep -q "openssl rand -hex 16" "$upgrade/refused.log" || fail "the hub's refusal does not say how to make a token"

step "edit the configuration; run a hub, fengqiao doctor and fengqiao backup"
# A hall without a centre yet (the hub refuses a sync_url without its token), with its own secrets.
hash=$(echo 86420 | in_root fengqiao pin-hash)
sed -i -e 's/^listen = .*/listen = "127.0.0.1:18470"   # edited by test-deb/' \
	-e 's/^sync_url = .*/sync_url = ""/' \
	-e 's|^public_url = .*|public_url = "https://zz.test-deb.gov.cn"|' \
	-e "s|^pin_hash = .*|pin_hash = \"$hash\"|" -e "s|^staff_pin_hash = .*|staff_pin_hash = \"$hash\"|" \
	-e 's/^token = "change-me-\(kiosk\|window\|display\|rating\)-.*/token = "test-deb-\1-0123456789abcdef"/' \
	"$root/etc/fengqiao/fengqiao.toml"
# Not through in_root or runuser: $! must be the hub itself, to stop it.
chroot --userspec=fengqiao:fengqiao "$root" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
	fengqiao hub --config /etc/fengqiao/fengqiao.toml >"$upgrade/hub.log" 2>&1 &
hub=$!
for _ in $(seq 50); do
	grep -q "listening" "$upgrade/hub.log" && break
	sleep 0.2
done
status=0
in_root fengqiao doctor --config /etc/fengqiao/fengqiao.toml >"$upgrade/doctor.txt" || status=$?
cat "$upgrade/doctor.txt" >&2
[ "$status" -eq 1 ] || fail "doctor exited $status, want 1 (no devices, no centre)"
grep -q '^✔ 大厅服务 hub' "$upgrade/doctor.txt" || fail "doctor does not see the running hub"
grep -q '^    Fix:  ' "$upgrade/doctor.txt" || fail "doctor gives no English remedy"
grep -q '^    处理：' "$upgrade/doctor.txt" || fail "doctor gives no Chinese remedy"
backup=$(in_root runuser -u fengqiao -- fengqiao backup --config /etc/fengqiao/fengqiao.toml)
[ "$(in_root stat -c %U "$backup")" = fengqiao ] || fail "backup $backup not owned by fengqiao"
kill "$hub"
wait "$hub" || true
hub=
[ "$(in_root stat -c %U /var/lib/fengqiao/fengqiao.db-wal 2>/dev/null || echo fengqiao)" = fengqiao ] ||
	fail "doctor left the WAL owned by root"

step "upgrade"
apt_get install --no-install-recommends /tmp/fengqiao-upgrade.deb
[ "$(in_root dpkg-query -W -f="\${Version}" fengqiao)" = "$version+upgradetest" ] || fail "not upgraded"
grep -q "edited by test-deb" "$root/etc/fengqiao/fengqiao.toml" || fail "the upgrade overwrote the edited configuration"
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/fengqiao.toml)" = "root:fengqiao 640" ] || fail "configuration mode after upgrade"
[ -f "$root$backup" ] || fail "the upgrade lost the backup"

step "remove"
apt_get remove fengqiao
[ ! -e "$root/usr/bin/fengqiao" ] || fail "binary left after remove"
[ -f "$root/etc/fengqiao/fengqiao.toml" ] || fail "remove deleted the configuration"
[ -d "$root/var/lib/fengqiao" ] || fail "remove deleted the data"

step "purge"
apt_get purge fengqiao
[ ! -e "$root/etc/fengqiao" ] || fail "/etc/fengqiao left after purge"
[ ! -e "$root/var/lib/fengqiao" ] || fail "/var/lib/fengqiao left after purge"
if in_root dpkg-statoverride --list | grep -q fengqiao; then fail "statoverride left after purge"; fi
snapshot >"$upgrade/after"
if ! diff "$upgrade/before" "$upgrade/after" >"$upgrade/leftovers"; then
	cat "$upgrade/leftovers" >&2
	fail "files left behind or removed by the purge (above)"
fi

step "centre package: install, remove, purge"
apt_get install --no-install-recommends /tmp/fengqiao-center.deb
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao-center/center.env)" = "root:fengqiao-center 640" ] || fail "center.env owner or mode"
[ -L "$root/etc/systemd/system/multi-user.target.wants/fengqiao-center.service" ] || fail "centre not enabled"
usage=$(in_root fengqiao-center 2>&1 || true) # no arguments: the usage, exit status 2
[[ $usage == *"fengqiao-center serve"* ]] || fail "fengqiao-center does not run: $usage"
apt_get purge fengqiao-center
if [ -e "$root/etc/fengqiao-center" ] || [ -e "$root/var/lib/fengqiao-center" ]; then
	fail "centre files left after purge"
fi

step "passed: install, doctor, backup, upgrade (configuration kept), remove, purge"
