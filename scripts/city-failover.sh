#!/usr/bin/env bash
# city-failover.sh shows the centre carrying on through a PostgreSQL failover with nothing
# acknowledged lost. Not run in CI: it takes a few minutes and needs Debian's
# postgresql-15-auto-failover (pg_autoctl), which it installs if missing. Run it as root on a
# machine with nothing else on ports 56100-56102 and 56180:
#
#	bash scripts/city-failover.sh
#
# On one machine, as the postgres user, it starts a pg_auto_failover monitor, a primary and a
# standby (pg_autoctl; synchronous replication, as pg_auto_failover sets up with one standby).
# It starts fengqiao-center serve on the formation's multi-host DSN
# (target_session_attrs=read-write) and a simulated hall that pushes events every 200 ms the way
# a hall's sync worker does: from its acknowledged high-water mark, retrying with back-off after
# a failure. Then it kills the primary's keeper and PostgreSQL with kill -9, waits for the monitor
# to promote the standby, lets the hall push on for a while, and compares the hall's acknowledged
# mark with the rows of the new primary: every acknowledged event must be there, once, without
# a gap. It prints a summary and exits non-zero if anything acknowledged was lost.
#
# Settings (environment): FAILOVER_DIR (/tmp/fengqiao-failover), FAILOVER_AFTER (seconds of
# pushing before the kill, 15), FAILOVER_RUN_ON (seconds of pushing after the promotion, 15).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${FAILOVER_DIR:-/tmp/fengqiao-failover}
after=${FAILOVER_AFTER:-15}
run_on=${FAILOVER_RUN_ON:-15}
pgbin=/usr/lib/postgresql/15/bin
mon_port=56100
ports=(56101 56102)
centre=127.0.0.1:56180

log() { echo "city-failover: $(date -u +%H:%M:%S) $*" >&2; }
# pg_autoctl keeps its state under the XDG folders: keep them in $dir, so a run starts afresh.
xdg=(XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/share" XDG_RUNTIME_DIR="$dir/xdg/run")
pg_cmd=(runuser -u postgres -- env PATH="$pgbin:$PATH" "${xdg[@]}")
as_pg() { "${pg_cmd[@]}" "$@"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "city-failover: run as root (PostgreSQL runs as the postgres user)" >&2
	exit 1
fi
if ! command -v pg_autoctl >/dev/null; then
	log "installing postgresql-15-auto-failover"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli jq curl >&2
fi

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
	sleep 1
	for d in "$dir"/monitor "$dir"/node1 "$dir"/node2; do
		[ -f "$d/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT

# start NAME COMMAND… runs a command in its own process group, logging to $dir/NAME.log, and
# prints the group's id.
start() {
	local name=$1
	shift
	setsid "$@" >"$dir/$name.log" 2>&1 &
	echo $!
}

rm -rf "$dir"
mkdir -p "$dir"/xdg/config "$dir"/xdg/share "$dir"/xdg/run
chmod 700 "$dir"/xdg/run
chown -R postgres: "$dir"

log "building fengqiao-center"
go build -o "$dir/fengqiao-center" ./cmd/fengqiao-center

log "monitor on 127.0.0.1:$mon_port"
pids+=("$(start monitor "${pg_cmd[@]}" pg_autoctl create monitor \
	--pgdata "$dir/monitor" --pgport $mon_port --hostname 127.0.0.1 --auth trust --no-ssl --run)")
monitor="postgres://autoctl_node@127.0.0.1:$mon_port/pg_auto_failover?sslmode=disable"
for _ in $(seq 1 60); do
	as_pg psql -X -q -t -A "$monitor" -c "SELECT 1" >/dev/null 2>&1 && break
	sleep 1
done

state() { as_pg pg_autoctl show state --pgdata "$dir/monitor" --json 2>/dev/null; }
# wait_state N STATE…: until node N (1 or 2) reports one of the states, at most 180 s.
wait_state() {
	local node=$1
	shift
	for _ in $(seq 1 180); do
		local s
		s=$(state | jq -r --arg n "node$node" '.[] | select(.nodename == $n) | .current_group_state' 2>/dev/null || true)
		for want in "$@"; do [ "$s" = "$want" ] && return 0; done
		sleep 1
	done
	log "node$node did not reach $*"
	state >&2 || true
	return 1
}

for n in 1 2; do
	log "node$n on 127.0.0.1:${ports[$((n - 1))]}"
	pids+=("$(start "node$n" "${pg_cmd[@]}" pg_autoctl create postgres \
		--pgdata "$dir/node$n" --pgport "${ports[$((n - 1))]}" --hostname 127.0.0.1 --name "node$n" \
		--auth trust --no-ssl --dbname fengqiao --monitor "$monitor" --run)")
	if [ $n = 1 ]; then wait_state 1 single primary; else wait_state 2 secondary; fi
done
wait_state 1 primary
keepers=("${pids[1]}" "${pids[2]}")
log "formation ready: $(as_pg pg_autoctl show uri --pgdata "$dir/monitor" --formation default)"
as_pg psql -X -q -t -A -p "${ports[0]}" -h 127.0.0.1 -d fengqiao -c "SHOW synchronous_standby_names" |
	sed 's/^/city-failover: synchronous_standby_names = /' >&2

dsn="postgres://postgres@127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}/fengqiao?target_session_attrs=read-write&sslmode=disable&connect_timeout=3"
token=$("$dir/fengqiao-center" site add 城关镇枫源村 --db "$dsn" 2>/dev/null)
pids+=("$(start centre "$dir/fengqiao-center" serve --db "$dsn" --listen "$centre")")
for _ in $(seq 1 30); do curl -fsS "http://$centre/healthz" >/dev/null 2>&1 && break; sleep 1; done

# The simulated hall: it logs 5 events every 200 ms and pushes everything after its acknowledged
# mark (at most 500 a batch); after a failure it waits 200 ms doubled per failure, up to 3.2 s.
# It writes "acked produced ok failed" to $dir/hall.state after every push.
hall() {
	set +e # a hall keeps going whatever one push does
	local acked=0 produced=0 ok=0 failed=0 streak=0 t0 backoff=(0.2 0.4 0.8 1.6 3.2)
	while [ ! -f "$dir/stop" ]; do
		produced=$((produced + 5))
		local last=$((produced < acked + 500 ? produced : acked + 500)) body="" at
		at=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
		for ((id = acked + 1; id <= last; id++)); do
			body+="${body:+,}{\"id\":$id,\"at\":\"$at\",\"kind\":\"window.paused\",\"body\":{\"id\":$id,\"at\":\"$at\",\"kind\":\"window.paused\",\"window\":1}}"
		done
		t0=$(date +%s.%N)
		local code
		code=$(curl -sS -m 10 -o "$dir/reply.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
			-H 'Content-Type: application/json' --data-binary "{\"events\":[$body],\"backlog\":$((produced - last))}" \
			"http://$centre/api/v1/sync/events" 2>/dev/null || true)
		if [ "$code" = 200 ]; then
			acked=$(jq -r .applied_through "$dir/reply.json")
			ok=$((ok + 1)) streak=0
			sleep 0.2
		else
			failed=$((failed + 1)) streak=$((streak + 1))
			echo "$(date -u +%H:%M:%S.%N) push failed: ${code:-no answer} $(head -c 200 "$dir/reply.json" 2>/dev/null)" >>"$dir/hall-errors.log"
			sleep "${backoff[$((streak < 5 ? streak - 1 : 4))]}"
		fi
		echo "$acked $produced $ok $failed $(date +%s.%N) $t0" >"$dir/hall.state"
	done
}
hall &
hall_pid=$!

log "pushing for $after s"
sleep "$after"
read -r acked_before _ ok_before _ <"$dir/hall.state"
primary_pid=$(head -1 "$dir/node1/postmaster.pid")
log "kill -9 the primary (node1: keeper process group ${keepers[0]}, postmaster $primary_pid); acknowledged so far: $acked_before"
killed_at=$(date +%s.%N)
kill -9 -- -"${keepers[0]}" 2>/dev/null || true
kill -9 "$primary_pid" 2>/dev/null || true
wait_state 2 wait_primary primary
promoted_at=$(date +%s.%N)
log "node2 promoted after $(echo "$promoted_at - $killed_at" | bc) s"

# First successful push after the kill.
back_at=""
for _ in $(seq 1 600); do
	read -r a _ ok _ at _ <"$dir/hall.state"
	if [ "$ok" -gt "$ok_before" ] && [ "$a" -gt "$acked_before" ]; then back_at=$at; break; fi
	sleep 0.1
done
log "pushing on for $run_on s"
sleep "$run_on"
touch "$dir/stop"
wait "$hall_pid" || true
read -r acked produced ok failed _ <"$dir/hall.state"

read -r rows maxid < <(as_pg psql -X -q -t -A -F ' ' -h 127.0.0.1 -p "${ports[1]}" -d fengqiao \
	-c "SELECT count(*), coalesce(max(event_id), 0) FROM events")
read -r mark < <(as_pg psql -X -q -t -A -h 127.0.0.1 -p "${ports[1]}" -d fengqiao -c "SELECT applied_through FROM sites")
lost=$((acked > rows ? acked - rows : 0))
cat <<EOF
== city-failover summary ==
formation:                 pg_auto_failover monitor + 2 nodes, PostgreSQL $(as_pg psql -X -q -t -A -h 127.0.0.1 -p "${ports[1]}" -d fengqiao -c "SHOW server_version")
pushed before the kill:    ${after} s, acknowledged through event $acked_before
primary killed (kill -9):  node1; monitor promoted node2 after $(printf %.1f "$(echo "$promoted_at - $killed_at" | bc)") s
first push accepted again: $(if [ -n "$back_at" ]; then printf '%.1f s after the kill' "$(echo "$back_at - $killed_at" | bc)"; else echo never; fi)
pushes:                    $ok accepted, $failed failed and retried by the hall (see $dir/hall-errors.log)
hall produced / acked:     $produced / $acked (the rest was still to send when the hall stopped)
new primary holds:         $rows events, ids 1..$maxid, site mark $mark
acknowledged but lost:     $lost
EOF
if [ "$lost" -ne 0 ] || [ "$rows" -ne "$maxid" ] || [ "$mark" -lt "$acked" ] || [ -z "$back_at" ]; then
	echo "FAILED: the centre lost acknowledged events or did not carry on"
	exit 1
fi
echo "OK: the centre carried on through the failover and lost nothing it had acknowledged"
