#!/usr/bin/env bash
# Installs, upgrades, removes and purges Fengqiao's packages in a Debian 12 root made with
# debootstrap, as an installer and apt would, and checks what the maintainer scripts promise:
# the service user and its groups, the data folder, the random role tokens and who may read them,
# fengqiao staff add and setup-kiosk, enabled units, an edited configuration surviving an upgrade,
# fengqiao doctor and backup working against a running hub, purge keeping the records unless told
# otherwise (debconf), and nothing left behind after a purge told to delete them.
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
		grep -v -E '^/etc/(passwd|group|shadow|gshadow|subuid|subgid)-$' | # adduser's backups: the user stays, by design
		LC_ALL=C sort
}
# Where systemd keeps its timers' stamps, as on a booted system (the purge must remove the backup's).
mkdir -p "$root/var/lib/systemd/timers"
snapshot >"$upgrade/before"

step "install"
apt_get install --no-install-recommends /tmp/fengqiao.deb
in_root getent passwd fengqiao >/dev/null || fail "no fengqiao user"
groups=$(in_root id -nG fengqiao)
for g in fengqiao dialout lp fengqiao-kiosk fengqiao-window fengqiao-display fengqiao-rating; do
	[[ " $groups " == *" $g "* ]] || fail "fengqiao is not in group $g ($groups)"
done
[ "$(in_root stat -c '%U:%G %a' /var/lib/fengqiao)" = "fengqiao:fengqiao 750" ] || fail "/var/lib/fengqiao owner or mode"
[ "$(in_root stat -c '%U:%G %a' /var/lib/fengqiao-kiosk)" = "root:fengqiao-kiosk 2770" ] || fail "/var/lib/fengqiao-kiosk owner or mode"
# The configuration holds no secret; each token is random and readable by its role's group only.
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/fengqiao.toml)" = "root:root 644" ] || fail "configuration owner or mode"
for role in kiosk window display rating; do
	token=/etc/fengqiao/tokens/$role.token
	[ "$(in_root stat -c '%U:%G %a %s' "$token")" = "root:fengqiao-$role 640 33" ] || fail "$token owner, mode or size"
done
[ "$(cat "$root"/etc/fengqiao/tokens/*.token | sort -u | wc -l)" = 4 ] || fail "the role tokens are not all different"
[ "$(in_root stat -c '%U:%G %a %s' /etc/fengqiao/staff.toml)" = "root:fengqiao 640 0" ] || fail "staff.toml: not empty, or owner or mode"
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/tokens/kiosk-pin)" = "root:fengqiao-kiosk 640" ] || fail "kiosk-pin owner or mode"
[ -L "$root/etc/systemd/system/multi-user.target.wants/fengqiao-hub.service" ] || fail "hub not enabled"
[ -L "$root/etc/systemd/system/timers.target.wants/fengqiao-backup.timer" ] || fail "backup timer not enabled"
[[ $(in_root fengqiao help) == *doctor* ]] || fail "fengqiao help does not list doctor"

step "the hub: refuses example settings on the LAN and a missing token; staff add"
status=0
in_root runuser -u fengqiao -- fengqiao hub --config /etc/fengqiao/fengqiao.toml --listen 0.0.0.0:18479 >"$upgrade/refused.log" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "the hub served the example's public_url on the LAN"
grep -q "centre.public_url" "$upgrade/refused.log" || fail "the hub's refusal does not name centre.public_url"
mv "$root/etc/fengqiao/tokens/display.token" "$root/etc/fengqiao/tokens/display.token.away"
status=0
in_root runuser -u fengqiao -- fengqiao hub --config /etc/fengqiao/fengqiao.toml --listen 127.0.0.1:18479 >"$upgrade/refused.log" 2>&1 || status=$?
mv "$root/etc/fengqiao/tokens/display.token.away" "$root/etc/fengqiao/tokens/display.token"
[ "$status" -ne 0 ] || fail "the hub started without the display's token"
grep -q "hub.tokens\[2\] (display): missing" "$upgrade/refused.log" || fail "the hub's refusal does not name the missing token"
echo 86420 | in_root fengqiao staff add 王芳 --id 0231 --pin-stdin
echo 97531 | in_root fengqiao staff kiosk-pin --pin-stdin
[[ $(in_root fengqiao staff list) == *王芳* ]] || fail "fengqiao staff list does not show the staff added"
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/staff.toml)" = "root:fengqiao 640" ] || fail "staff add changed staff.toml's owner or mode"

step "a kiosk account: setup-kiosk, and what it may read"
in_root adduser --quiet --disabled-password --gecos kiosk kiosk
in_root fengqiao setup-kiosk --user kiosk
kgroups=$(in_root id -nG kiosk)
[[ " $kgroups " == *" fengqiao-kiosk "* ]] || fail "kiosk is not in fengqiao-kiosk ($kgroups)"
[[ " $kgroups " != *" fengqiao "* ]] || fail "kiosk is in the service group fengqiao ($kgroups)"
[ -L "$root/home/kiosk/.config/systemd/user/graphical-session.target.wants/fengqiao-kiosk.service" ] || fail "kiosk service not enabled"
[ "$(in_root stat -c %U /home/kiosk/.config/autostart/fengqiao-kiosk.desktop)" = kiosk ] || fail "autostart entry missing or not the kiosk's"
in_root runuser -u kiosk -- cat /etc/fengqiao/tokens/kiosk.token /etc/fengqiao/tokens/kiosk-pin >/dev/null || fail "kiosk cannot read its token"
for secret in /etc/fengqiao/tokens/window.token /etc/fengqiao/staff.toml /var/lib/fengqiao/backups; do
	if in_root runuser -u kiosk -- test -r "$secret"; then
		fail "the kiosk account reads $secret"
	fi
done

step "edit the configuration; run a hub, fengqiao doctor and fengqiao backup"
# A hall without a centre yet, with its own public address.
sed -i -e 's/^listen = .*/listen = "127.0.0.1:18470"   # edited by test-deb/' \
	-e 's|^url = .*|url = "http://127.0.0.1:18470"|' \
	-e 's|^public_url = .*|public_url = "https://zz.test-deb.gov.cn"|' \
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

cat "$root"/etc/fengqiao/tokens/*.token >"$upgrade/tokens"
step "upgrade"
apt_get install --no-install-recommends /tmp/fengqiao-upgrade.deb
[ "$(in_root dpkg-query -W -f="\${Version}" fengqiao)" = "$version+upgradetest" ] || fail "not upgraded"
grep -q "edited by test-deb" "$root/etc/fengqiao/fengqiao.toml" || fail "the upgrade overwrote the edited configuration"
[ "$(in_root stat -c '%U:%G %a' /etc/fengqiao/fengqiao.toml)" = "root:root 644" ] || fail "configuration mode after upgrade"
cmp -s "$upgrade/tokens" <(cat "$root"/etc/fengqiao/tokens/*.token) || fail "the upgrade changed the tokens"
[ -f "$root$backup" ] || fail "the upgrade lost the backup"

step "remove"
apt_get remove fengqiao
[ ! -e "$root/usr/bin/fengqiao" ] || fail "binary left after remove"
[ -f "$root/etc/fengqiao/fengqiao.toml" ] || fail "remove deleted the configuration"
[ -d "$root/var/lib/fengqiao" ] || fail "remove deleted the data"

step "purge: asks, keeps the records by default"
touch "$root/var/lib/systemd/timers/stamp-fengqiao-backup.timer" # as systemd leaves it
apt_get purge fengqiao
[ ! -e "$root/etc/fengqiao" ] || fail "/etc/fengqiao left after purge"
[ -f "$root$backup" ] || fail "purge deleted the records without being told to"
[ ! -e "$root/var/lib/systemd/timers/stamp-fengqiao-backup.timer" ] || fail "the backup timer's stamp left after purge"
if in_root dpkg-statoverride --list | grep -q fengqiao; then fail "statoverride left after purge"; fi

step "purge with the question answered yes: nothing left"
apt_get install --no-install-recommends /tmp/fengqiao.deb
echo "fengqiao fengqiao/purge-records boolean true" | in_root debconf-set-selections
in_root userdel -r kiosk 2>/dev/null || true
apt_get purge fengqiao
[ ! -e "$root/var/lib/fengqiao" ] || fail "/var/lib/fengqiao left after purge"
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
