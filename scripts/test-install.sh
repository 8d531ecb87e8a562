#!/usr/bin/env bash
# Installs Fengqiao's packages into a fresh Debian 12 root and runs them as a village PC would:
# systemd as PID 1 (systemd-nspawn -b), the hub and backup timer as installed, the kiosk on an X
# screen as the kiosk user (set up by fengqiao setup-kiosk), the window console from its menu entry
# as a staff user (window picker, then sign-in), then purges with the default answer (records
# kept) and, after installing again, with fengqiao/purge-records answered true (nothing left).
#
#   sudo scripts/test-install.sh        build the packages, install, boot, check, purge
#
# Prints one PASS or FAIL line per check and a summary, exits 1 if any check failed. Needs root,
# debootstrap, systemd-nspawn (apt-get install debootstrap systemd-container), Xvfb, xdotool,
# ImageMagick (import, compare) and curl on the host. It reaches only Debian's mirror
# ($DEBIAN_MIRROR, default http://deb.debian.org/debian). The bootstrapped base is cached in
# $FENGQIAO_CACHE (default ~/.cache/fengqiao/bookworm-base.tar): delete it to start afresh.
# FENGQIAO_SKIP_BUILD=1 reuses the packages in dist/. The kiosk's screenshot is written to
# docs/screenshots/install-kiosk.png, the picker's and the console's to install-window-picker.png
# and install-console.png. Its last result is recorded in docs/install.md.
#
# The booted root has no network but loopback (--private-network); the X server runs on the
# host and its socket folder is bound into the root, so the root holds only the packages and
# what apt installs for them.
# shellcheck disable=SC2317 # the functions that check calls
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${FENGQIAO_CACHE:-$HOME/.cache/fengqiao}
base=$cache/bookworm-base.tar
conf=/etc/fengqiao/fengqiao.toml
pin=2580 # the staff PIN the test gives its staff member

[ "$(id -u)" -eq 0 ] || { echo "test-install: run as root" >&2; exit 1; }
for tool in debootstrap systemd-nspawn nsenter Xvfb xdotool import compare curl; do
	command -v "$tool" >/dev/null || { echo "test-install: $tool is missing on the host" >&2; exit 1; }
done

started=$(date +%s)
failures=0
summary=()
pass() { printf 'PASS: %s\n' "$*"; summary+=("PASS: $*"); }
fail() { printf 'FAIL: %s\n' "$*"; summary+=("FAIL: $*"); failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: PASS if the command succeeds, else FAIL
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
note() { printf '  %s\n' "$*"; }
step() { printf '\n== test-install: %s\n' "$*"; }

work=$(mktemp -d /var/tmp/fengqiao-install.XXXXXX)
root=$work/root
nspawn="" leader="" xpids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$nspawn" ] && kill -0 "$nspawn" 2>/dev/null; then
		kill -TERM "$nspawn" 2>/dev/null # nspawn asks the container's systemd to halt
		for _ in $(seq 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$nspawn" 2>/dev/null
		wait "$nspawn" 2>/dev/null
	fi
	for p in "${xpids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for m in dev/pts proc; do mountpoint -q "$root/$m" && umount "$root/$m"; done
	rm -rf "$work"
}
trap cleanup EXIT

finish() {
	local took=$(($(date +%s) - started))
	printf '\n== test-install: summary (%s, %dm%02ds)\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" $((took / 60)) $((took % 60))
	printf '%s\n' "${summary[@]}"
	if [ "$failures" -gt 0 ]; then
		printf 'test-install: %d check(s) failed\n' "$failures"
		exit 1
	fi
	printf 'test-install: all checks passed\n'
	exit 0
}

# ---- 1. the packages ------------------------------------------------------------------------
step "1. build the packages"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
arch=$(dpkg --print-architecture)
hall=dist/fengqiao_${version}_$arch.deb
centre=dist/fengqiao-center_${version}_$arch.deb
if [ "${FENGQIAO_SKIP_BUILD:-}" != 1 ]; then
	scripts/build-deb.sh >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; }
fi
if [ -f "$hall" ] && [ -f "$centre" ]; then pass "build: both packages ($version)"; else fail "build: packages missing"; finish; fi

# ---- 2. a fresh Debian 12 root with the packages ---------------------------------------------
step "2. fresh Debian 12 root"
if [ ! -f "$base" ]; then
	mkdir -p "$cache"
	# What every Debian 12 PC has and minbase lacks: systemd as init, D-Bus, logind's PAM module.
	debootstrap --variant=minbase --include=systemd-sysv,dbus,libpam-systemd bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log"; fail "debootstrap bookworm"; finish; }
	tar -C "$work/base" -cf "$base.tmp" . && mv "$base.tmp" "$base"
	rm -rf "$work/base"
fi
if ! { mkdir "$root" && tar -C "$root" -xf "$base"; }; then fail "unpack $base"; finish; fi
echo fengqiao-test >"$root/etc/hostname"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$hall" "$root/root/fengqiao.deb"
cp "$centre" "$root/root/fengqiao-center.deb"

in_chroot() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
mount -t proc proc "$root/proc"
# An installer's `apt install ./fengqiao_….deb`: with Recommends, as apt does by default.
if in_chroot apt-get update -q >"$work/apt.log" 2>&1 &&
	in_chroot apt-get install -y -q /root/fengqiao.deb /root/fengqiao-center.deb >>"$work/apt.log" 2>&1; then
	pass "apt install both packages into bookworm ($(grep -c '^Setting up' "$work/apt.log") packages set up)"
else
	tail -30 "$work/apt.log"
	fail "apt install both packages"
	finish
fi
# A CJK font to compare the kiosk's screen with later, downloaded now (the booted root is offline).
in_chroot apt-get install -y -q --download-only fonts-wqy-microhei >>"$work/apt.log" 2>&1
umount "$root/proc"
cjk=$(find "$root/usr/share/fonts" -iregex '.*\(wqy\|cjk\|droid\|arphic\|uming\|ukai\|han\|noto.*sc\).*' 2>/dev/null | sed "s|^$root||")
if [ -z "$cjk" ]; then note "no CJK font in the root (as on a plain Debian install)"; else note "CJK fonts in the root: $cjk"; fi

# ---- 3. boot under systemd ------------------------------------------------------------------
step "3. boot the root with systemd-nspawn -b"
xdir=$work/X11-unix
mkdir -m 1777 "$xdir"
# The root has no network of its own (loopback only) and the host's X socket folder. Without a
# systemd on the host (no machined, no system bus) nspawn needs --register=no --keep-unit.
systemd-nspawn -q -b -D "$root" -M fengqiao-test --register=no --keep-unit --private-network \
	--bind="$xdir:/tmp/.X11-unix" --console=pipe >"$work/boot.log" 2>&1 </dev/null &
nspawn=$!
for _ in $(seq 100); do
	leader=$(ps -o pid= --ppid "$nspawn" | tr -d ' ' | head -1)
	[ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ] && break
	leader=
	sleep 0.1
done
[ -n "$leader" ] || { cat "$work/boot.log"; fail "systemd-nspawn -b: no systemd in the container"; finish; }

# in_box runs a command in the booted root (its namespaces, as root, with a clean environment).
in_box() { nsenter -t "$leader" -m -u -i -n -p -C -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
state=
for _ in $(seq 120); do
	state=$(in_box systemctl is-system-running 2>/dev/null)
	case $state in running | degraded) break ;; esac
	sleep 1
done
check "boot: systemd reached multi-user.target (system state: $state)" in_box systemctl is-active -q multi-user.target
sleep 8 # one RestartSec of the hub (5 s) and more: a crash loop shows as restarts
hubstate() { in_box systemctl show -P ActiveState fengqiao-hub.service; }
restarts() { in_box systemctl show -P NRestarts "$1"; }
check "installed: fengqiao-hub.service active as shipped, no restarts ($(hubstate), $(restarts fengqiao-hub.service) restarts)" \
	test "$(hubstate)-$(restarts fengqiao-hub.service)" = active-0
[ "$(hubstate)" = active ] || in_box journalctl -b -u fengqiao-hub -n 12 --no-pager -o cat | sed 's/^/  hub: /'
check "installed: fengqiao-backup.timer loaded and waiting" \
	test "$(in_box systemctl show -P LoadState,ActiveState fengqiao-backup.timer | paste -sd,)" = loaded,active
failed=$(in_box systemctl --failed --no-legend --plain | awk '{print $1}' | paste -sd' ')
check "installed: systemctl --failed is empty (${failed:-none})" test -z "$failed"
note "fengqiao-center.service (not configured yet): $(in_box systemctl show -P ActiveState fengqiao-center.service)"
noise=$(in_box journalctl -b --no-pager -o cat | grep -c 'Error parsing user locale')
check "installed: no locale noise in the journal ($noise lines)" test "$noise" -eq 0

# The shipped secrets (docs/install.md, "Who reads what"): none published, a random token per role.
examples=$(grep -rl -e 'change-me' -e 'demo-' -e 'DWw1ZJegGU2Oq8BW986RL' "$root/etc/fengqiao" | sed "s|^$root||" | paste -sd' ')
check "installed: no example or demo token, no example PIN hash under /etc/fengqiao (${examples:-none})" test -z "$examples"
perms() { in_box stat -c '%U:%G %a' "$1"; }
check "installed: $conf is root:root 644 ($(perms $conf)) and holds no token" \
	sh -c "[ '$(perms $conf)' = 'root:root 644' ] && ! grep -q '^ *token *= *\"' '$root$conf'"
# token ROLE: the role's token, as the postinst made it.
token() { cat "$root/etc/fengqiao/tokens/$1.token"; }
tokens_ok() { # one token per role: root:fengqiao-ROLE 0640, 32 random hex digits, no two alike
	local role t seen=" "
	for role in kiosk window display rating; do
		[ "$(perms "/etc/fengqiao/tokens/$role.token")" = "root:fengqiao-$role 640" ] ||
			{ note "$role.token: $(perms "/etc/fengqiao/tokens/$role.token")"; return 1; }
		t=$(token "$role")
		[[ $t =~ ^[0-9a-f]{32}$ ]] || { note "$role.token: not 32 hex digits"; return 1; }
		[[ $seen != *" $t "* ]] || { note "$role.token: the same as another role's"; return 1; }
		seen="$seen$t "
	done
}
check "installed: /etc/fengqiao/tokens/ROLE.token, random, root:fengqiao-ROLE 0640, for the 4 roles" tokens_ok
# The hub refuses nothing of the shipped configuration: it answers every role with its token.
hub_code() { nsenter -t "$leader" -n -- curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $2" "http://127.0.0.1:8470$1"; }
codes=$(for role in kiosk window display rating; do printf '%s=%s ' "$role" "$(hub_code /api/v1/hall "$(token "$role")")"; done)
check "installed: the hub answers GET /api/v1/hall for every role's token (${codes% })" \
	test "$codes" = "kiosk=200 window=200 display=200 rating=200 "
check "installed: the hub refuses an unknown token ($(hub_code /api/v1/hall 0123456789abcdef0123456789abcdef))" \
	test "$(hub_code /api/v1/hall 0123456789abcdef0123456789abcdef)" = 401
listening=$(nsenter -t "$leader" -n -- ss -Htln | awk '$4 ~ /:8470$/ {print $4}' | paste -sd' ')
check "installed: the hub listens on 127.0.0.1:8470 only ($listening)" test "$listening" = 127.0.0.1:8470
in_box journalctl -b -u fengqiao-hub --no-pager -o cat | grep -E 'level=(WARN|ERROR)' | sed 's/^/  hub: /'

# ---- 3b. what the installer does, per docs/install.md -----------------------------------------
step "3b. the installer's steps (docs/install.md): a staff member and the kiosk's PIN"
check "installer: echo PIN | fengqiao staff add 王芳 --id 0231 --pin-stdin" \
	in_box sh -c "echo $pin | fengqiao staff add 王芳 --id 0231 --pin-stdin"
staff_listed() { in_box fengqiao staff list | grep -q 王芳; }
check "installer: fengqiao staff list names 王芳" staff_listed
check "installer: echo PIN | fengqiao staff kiosk-pin --pin-stdin" \
	in_box sh -c "echo $pin | fengqiao staff kiosk-pin --pin-stdin"
check "installer: staff.toml root:fengqiao 640 ($(perms /etc/fengqiao/staff.toml)), kiosk-pin root:fengqiao-kiosk 640 ($(perms /etc/fengqiao/tokens/kiosk-pin)), neither empty" \
	sh -c "[ '$(perms /etc/fengqiao/staff.toml) $(perms /etc/fengqiao/tokens/kiosk-pin)' = 'root:fengqiao 640 root:fengqiao-kiosk 640' ] &&
		[ -s '$root/etc/fengqiao/staff.toml' ] && [ -s '$root/etc/fengqiao/tokens/kiosk-pin' ]"
in_box systemctl restart fengqiao-hub
sleep 3
check "installer: fengqiao-hub.service active after systemctl restart fengqiao-hub ($(hubstate))" test "$(hubstate)" = active
[ "$(hubstate)" = active ] || in_box journalctl -b -u fengqiao-hub -n 12 --no-pager -o cat | sed 's/^/  hub: /'

# hub_get PATH ROLE: a GET on the hub from inside the root's network, with ROLE's token.
hub_get() { nsenter -t "$leader" -n -- curl -fsS -m 5 -H "Authorization: Bearer $(token "$2")" "http://127.0.0.1:8470$1"; }
# as_user USER COMMAND...: COMMAND as USER (with USER's groups) in the booted root.
as_user() { local u=$1; shift; in_box runuser -u "$u" -- "$@"; }
# reads_only USER OWN OTHER...: USER reads the file OWN and none of the files or folders OTHER.
reads_only() {
	local u=$1 own=$2 f
	shift 2
	as_user "$u" head -c1 "$own" >/dev/null || { note "$u cannot read $own"; return 1; }
	for f; do
		# A folder is read by listing it, a file by reading its first byte.
		if as_user "$u" sh -c "if [ -d '$f' ]; then ls '$f'; else head -c1 '$f'; fi" >/dev/null 2>&1; then note "$u reads $f"; return 1; fi
		in_box test -e "$f" || { note "$f does not exist: nothing to check"; return 1; }
	done
}
records="/var/lib/fengqiao /var/lib/fengqiao/fengqiao.db /var/lib/fengqiao/backups /etc/fengqiao/staff.toml /etc/fengqiao/tokens/centre.token"

# ---- 4. the kiosk on an X screen ------------------------------------------------------------
step "4. the kiosk as the kiosk user, on Xvfb"
# start_x N: an X server on the host whose socket is in the root's /tmp/.X11-unix.
start_x() {
	# Its own mount namespace puts the socket file into the root's folder; the host's clients
	# (import, xdotool) reach it by its abstract name.
	unshare -m sh -c "mount --bind '$xdir' /tmp/.X11-unix && exec Xvfb :$1 -screen 0 1920x1080x24 -br -nolisten tcp" >"$work/xvfb$1.log" 2>&1 &
	xpids+=($!)
	for _ in $(seq 50); do [ -S "$xdir/X$1" ] && break; sleep 0.1; done
}
free_display() { local n=90; while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || [ -e "$xdir/X$n" ]; do n=$((n + 1)); done; echo "$n"; }
kd=$(free_display)
start_x "$kd"
shot() { import -display ":$1" -window root "$2"; }

in_box adduser --disabled-password --gecos 自助机 kiosk >/dev/null
kuid=$(in_box id -u kiosk)
# docs/install.md, "The kiosk's screen": one command, before the kiosk account ever logged in.
if in_box fengqiao setup-kiosk --user kiosk >"$work/setup-kiosk.log" 2>&1; then
	pass "kiosk: fengqiao setup-kiosk --user kiosk, before the first login"
else
	fail "kiosk: fengqiao setup-kiosk --user kiosk, before the first login"
fi
sed 's/^/  setup-kiosk: /' "$work/setup-kiosk.log"
kgroups=$(in_box id -nG kiosk)
check "kiosk: the account is in fengqiao-kiosk and not in fengqiao ($kgroups)" \
	sh -c "echo ' $kgroups ' | grep -q ' fengqiao-kiosk ' && ! echo ' $kgroups ' | grep -q ' fengqiao '"
# shellcheck disable=SC2086 # $records is a list of paths
check "kiosk: the account reads its token, not the database, backups, staff file or other roles' tokens" \
	reads_only kiosk /etc/fengqiao/tokens/kiosk.token $records /etc/fengqiao/tokens/{window,display,rating}.token
# The kiosk user's graphical login: its user manager, then the XDG autostart entry's command.
in_box systemctl start "user@$kuid.service"
autostart=$(sed -n 's/^Exec=//p' "$root/home/kiosk/.config/autostart/fengqiao-kiosk.desktop" 2>/dev/null)
check "kiosk: setup-kiosk wrote the autostart entry (Exec=${autostart:-none})" test -n "$autostart"
in_box runuser -u kiosk -- env DISPLAY=":$kd" XDG_RUNTIME_DIR="/run/user/$kuid" XDG_SESSION_TYPE=x11 \
	DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$kuid/bus" sh -c "${autostart:-/usr/libexec/fengqiao/kiosk-session}"
kiosk_user() { in_box runuser -u kiosk -- env XDG_RUNTIME_DIR="/run/user/$kuid" "$@"; }
sleep 15
kprop() { kiosk_user systemctl --user show -P "$1" fengqiao-kiosk.service; }
kstate() { echo "$(kprop ActiveState), $(kprop NRestarts) restarts"; }
kiosk_ok() { [ "$(kstate)" = "active, 0 restarts" ]; }
check "kiosk: fengqiao-kiosk.service running as shipped, no restarts ($(kstate))" kiosk_ok
kiosk_ok || in_box journalctl -b _UID="$kuid" -n 12 --no-pager -o cat | sed 's/^/  kiosk: /'
# The kiosk talks to the hub over HTTP: it holds no file under /var/lib/fengqiao open.
kfiles() { in_box sh -c "ls -l /proc/$(kprop MainPID)/fd 2>/dev/null" | grep -c '/var/lib/fengqiao/'; }
check "kiosk: its process opens nothing in /var/lib/fengqiao ($(kfiles) files)" test "$(kfiles)" -eq 0
shot "$kd" "$work/kiosk.png"
cp "$work/kiosk.png" docs/screenshots/install-kiosk.png
# The same screen with a CJK system font installed: a kiosk that draws Chinese with its own fonts
# (or depends on a font package) looks the same; one that needs a system font showed "�" before.
in_box sh -c 'dpkg -i /var/cache/apt/archives/fonts-wqy-microhei_*.deb' >/dev/null
kiosk_user systemctl --user restart fengqiao-kiosk.service
sleep 15
shot "$kd" "$work/kiosk-font.png"
in_box dpkg --purge fonts-wqy-microhei >/dev/null
# lit IMAGE: the share of pixels that are not the empty screen's black, in thousandths.
lit() { convert "$1" -colorspace gray -threshold 2% -format '%[fx:round(mean*1000)]' info:; }
# Pixels that differ by more than 20 % between the two screenshots, in thousandths of the screen.
ae=$(compare -metric AE -fuzz 20% "$work/kiosk.png" "$work/kiosk-font.png" null: 2>&1)
[[ $ae =~ ^[0-9.e+]+$ ]] || { note "compare: $ae"; ae=$((1920 * 1080)); } # no comparison counts as all different
diffk=$(awk -v ae="$ae" 'BEGIN {printf "%d", ae*1000/(1920*1080)}')
note "lit pixels: bare $(lit "$work/kiosk.png")‰, with the wqy font $(lit "$work/kiosk-font.png")‰; the two differ in ${diffk}‰ of pixels"
if [ "$(lit "$work/kiosk.png")" -ge 50 ]; then
	pass "kiosk: the screen shows something (at least 5 % lit)"
	check "kiosk: the bare root draws the same as with a CJK font installed (${diffk}‰ differ, at most 5‰)" test "$diffk" -le 5
else
	fail "kiosk: the screen is blank (less than 5 % lit): no screenshot to check for Chinese"
fi

# ---- 5. the window console from its menu entry -------------------------------------------------
step "5. the window console from its menu entry, as a staff user in group fengqiao-window"
kiosk_user systemctl --user stop fengqiao-kiosk.service
in_box adduser --disabled-password --gecos 王芳 staff1 >/dev/null
in_box usermod -aG fengqiao-window staff1 # docs/install.md, "Who reads what"
# shellcheck disable=SC2086 # $records is a list of paths
check "console: staff1 reads the window token, not the database, backups, staff file or other roles' tokens" \
	reads_only staff1 /etc/fengqiao/tokens/window.token $records /etc/fengqiao/tokens/{kiosk,display,rating}.token /etc/fengqiao/tokens/kiosk-pin
desktop=/usr/share/applications/cn.fengqiao.hall.desktop
exec_line=$(awk '/^\[Desktop Entry\]/{e=1; next} /^\[/{e=0} e && /^Exec=/{sub(/^Exec=/,""); print; exit}' "$root$desktop" | sed 's/ %[fFuUick]//g')
note "menu entry: $exec_line"
cd_=$(free_display)
start_x "$cd_"
console() { # console NAME: start the menu entry's command as staff1 in a transient unit
	in_box systemd-run -q --unit="$1" --uid=staff1 --gid=staff1 --setenv=DISPLAY=":$cd_" --setenv=HOME=/home/staff1 \
		--setenv=LANG=C.UTF-8 --property=WorkingDirectory=/home/staff1 sh -c "exec $exec_line"
	sleep 12
}
cstate() { in_box systemctl show -P ActiveState "$1.service"; }
remembered=/home/staff1/.config/fengqiao/window
console fq-console
check "console: the menu entry's command keeps running as staff1 ($(cstate fq-console))" test "$(cstate fq-console)" = active
[ "$(cstate fq-console)" = active ] || in_box journalctl -b -u fq-console -n 8 --no-pager -o cat | sed 's/^/  console: /'
# First start: the window picker, one big button per hall window. Click 1号窗口, the first
# button: the largest navy areas of the screen are the buttons, in the order of the windows.
shot "$cd_" "$work/picker.png"
cp "$work/picker.png" docs/screenshots/install-window-picker.png
buttons=$(convert "$work/picker.png" -fill white -fuzz 3% -opaque '#0b3d91' -fill black +opaque white \
	-define connected-components:verbose=true -connected-components 8 null: 2>/dev/null |
	awk '$1 ~ /^[0-9]+:$/ && $4 > 20000 && $5 !~ /^(srgb|gray)\(0/ {split($2, g, /[x+]/); print g[4], g[3], $3}' | sort -n -k1,1 -k2,2)
note "picker buttons (top left centre): $(echo "$buttons" | awk '{print $1 "," $2 " " $3}' | paste -sd' ')"
check "console: the first start shows the window picker (3 buttons for the shipped 3 windows)" test "$(echo "$buttons" | grep -c .)" -eq 3
first=$(echo "$buttons" | head -1 | awk '{print $3}')
x=${first%%,*} y=${first#*,}
DISPLAY=":$cd_" xdotool mousemove "${x%.*}" "${y%.*}" sleep 0.3 click 1 sleep 2
check "console: clicking 1号窗口 is remembered ($remembered: $(in_box cat $remembered 2>/dev/null || echo none))" \
	test "$(in_box cat $remembered 2>/dev/null)" = 1
# Second start: the remembered window, straight to the sign-in.
in_box systemctl stop fq-console.service
console fq-console2
check "console: the second start keeps running ($(cstate fq-console2))" test "$(cstate fq-console2)" = active
conns=$(nsenter -t "$leader" -n -- ss -Htnp state established "( dport = :8470 )" 2>/dev/null | grep -c fengqiao)
check "console: connected to the hub ($conns connections to :8470)" test "$conns" -gt 0
# Sign in with the keyboard alone: Tab to the first staff member's button, Space picks it and
# focuses the PIN, Return signs in with the window's services.
export DISPLAY=":$cd_"
wid=$(xdotool search --onlyvisible --name '.' | tail -1)
note "console window: $(xdotool getwindowname "$wid" 2>/dev/null)"
xdotool windowfocus "$wid" mousemove --window "$wid" 20 20
# The Space that picks the name may also arrive in the PIN field it focuses: BackSpace drops it.
xdotool key Tab sleep 0.3 key space sleep 1 key BackSpace sleep 0.3 type --delay 120 "$pin"
xdotool sleep 0.5 key Return sleep 4
unset DISPLAY
shot "$cd_" "$work/console.png"
cp "$work/console.png" docs/screenshots/install-console.png
who=$(hub_get /api/v1/queue window | grep -o '"staff":"[^"]*"' | head -1)
check "console: signed in at the remembered window through the hub (queue shows ${who:-no staff})" test -n "$who"

# ---- 6. purge ---------------------------------------------------------------------------------
step "6. purge: the default answer keeps the records, \"true\" deletes them"
in_box systemctl stop fq-console2.service 2>/dev/null
in_box systemctl stop "user@$kuid.service"
# The test's own accounts and their homes (autostart entry, window choice) are not the package's;
# setup-kiosk's LightDM drop-in is deleted by hand (docs/install.md, "Removing"), if it made one.
in_box userdel -r kiosk 2>/dev/null
in_box userdel -r staff1 2>/dev/null
in_box rm -f /etc/lightdm/lightdm.conf.d/50-fengqiao-kiosk.conf
stamp=/var/lib/systemd/timers/stamp-fengqiao-backup.timer
# A backup, as on a PC that ran a day, and the timer's stamp, which systemd makes when it
# starts a Persistent= timer that never ran.
ran_a_day() { in_box systemctl start fengqiao-backup.service && in_box test -e "$stamp"; }
# leftovers [PATH...]: every file named like fengqiao, but under the PATHs.
leftovers() {
	local prune=(-path /proc -o -path /sys -o -path /dev -o -path /run -o -path /var/log/journal -o -path /var/cache/apt -o -path /tmp -o -path /root/fengqiao.deb -o -path /root/fengqiao-center.deb) p
	for p; do prune+=(-o -path "$p"); done
	in_box find / -xdev \( "${prune[@]}" \) -prune -o -iname '*fengqiao*' -print 2>/dev/null | paste -sd' '
}
purge() { # purge N: apt-get purge both packages, noninteractive (as a script would)
	if in_box apt-get purge -y -q fengqiao fengqiao-center >"$work/purge$1.log" 2>&1; then return 0; fi
	tail -20 "$work/purge$1.log"
	return 1
}
check "purge: a backup made, the backup timer's stamp exists" ran_a_day
backups=$(in_box ls /var/lib/fengqiao/backups | grep -c .)
check "purge, default answer: apt-get purge fengqiao fengqiao-center" purge 1
grep -h 'fengqiao:' "$work/purge1.log" | sed 's/^/  postrm: /'
check "purge, default answer: the database, its $backups backups and the kiosk's folder are kept" \
	in_box sh -c "test -s /var/lib/fengqiao/fengqiao.db && [ \$(ls /var/lib/fengqiao/backups | grep -c .) -eq $backups ] && [ $backups -gt 0 ] && test -d /var/lib/fengqiao-kiosk"
left=$(leftovers /var/lib/fengqiao /var/lib/fengqiao-kiosk)
check "purge, default answer: nothing else left (${left:-none})" test -z "$left"
# Installed again over the kept records, then purged with "delete the records" answered beforehand.
check "purge: dpkg -i both packages again, over the kept records" \
	in_box sh -c 'dpkg -i /root/fengqiao.deb /root/fengqiao-center.deb >/dev/null'
sleep 3
check "purge: the hub of the reinstall runs on the kept records ($(hubstate))" test "$(hubstate)" = active
check "purge: a backup made again, the timer's stamp exists again" ran_a_day
echo "fengqiao fengqiao/purge-records boolean true" | in_box debconf-set-selections
check "purge, answer true: apt-get purge fengqiao fengqiao-center" purge 2
in_box systemctl daemon-reload
left=$(leftovers)
check "purge, answer true: no file named fengqiao left, $stamp included (${left:-none})" test -z "$left"
units=$(in_box systemctl list-units --all --no-legend --plain 'fengqiao*' | awk '{print $1}' | paste -sd' ')
check "purge: no fengqiao unit known to systemd (${units:-none})" test -z "$units"
failed=$(in_box systemctl --failed --no-legend --plain | awk '{print $1}' | paste -sd' ')
check "purge: systemctl --failed is empty (${failed:-none})" test -z "$failed"
users=$(in_box getent passwd fengqiao fengqiao-center | cut -d: -f1 | paste -sd' ')
note "system users kept after purge, as Debian recommends and the postrm says: ${users:-none}"

finish
