#!/usr/bin/env bash
# cluster.sh runs a throw-away three-node PostgreSQL cluster on 127.0.0.1
# for kuota's tests: node1 is the primary, node2 and node3 stream from it,
# and a commit on the primary returns once either standby has flushed it
# (ANY 1). Every local user is trusted, so it is for tests only.
#
#   cluster.sh up | down | status | dsn | stop N | promote N | kill N
#
#   KUOTA_PG_ROOT  data dirs, logs and unix sockets (default /tmp/kuota-pg)
#   KUOTA_PG_PORT  node1's port; node2 and node3 take the next two (55432)
#
# `up` prints progress on stderr and only the DSN on stdout. Clusters with
# different roots and ports run side by side: every command signals only
# processes whose working directory is a data dir under its own root.
set -euo pipefail

root=$(realpath -m "${KUOTA_PG_ROOT:-/tmp/kuota-pg}")
port_base=${KUOTA_PG_PORT:-55432}
# A marker file lets `down` refuse to delete a directory this script did
# not make, whatever KUOTA_PG_ROOT points at.
marker=$root/.kuota-pg-cluster
# Every wait is bounded, so a broken cluster fails a test instead of hanging it.
start_timeout_s=60
stream_timeout_s=60
stop_timeout_s=30
kill_timeout_s=10
# Short, because a standby whose WAL went past the fork never follows.
follow_timeout_s=15
# The postgres user may not be able to enter the caller's directory.
cd /

die() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*" >&2; }
port() { echo $((port_base + $1 - 1)); }
datadir() { echo "$root/node$1"; }

# find_bin sets pgbin to the newest installed major version's binaries, so
# a newer Debian package needs no edit here.
find_bin() {
	pgbin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)
	[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ]
}

install_pg() {
	[ "$(id -u)" -eq 0 ] || die "PostgreSQL is missing and only root can apt-get install it"
	say "installing Debian's postgresql package"
	# The package also makes (and may start) its own cluster on port 5432;
	# this script neither uses nor stops it.
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	find_bin || die "apt-get installed postgresql, but there is no /usr/lib/postgresql/*/bin/initdb"
}

# PostgreSQL refuses to run as root; root runs it as the package's postgres
# user, anyone else as themselves.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# q PORT SQL... runs each statement over TCP in its own transaction.
# timeout bounds it: a commit waiting for an absent standby never returns.
q() {
	local port=$1 sql args=()
	shift
	for sql in "$@"; do args+=(-c "$sql"); done
	timeout 30 "$pgbin/psql" -X -qAt -v ON_ERROR_STOP=1 "${args[@]}" \
		-d "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=5"
}

# answers PORT WANT SQL succeeds when SQL's answer on PORT is WANT.
answers() { [ "$(q "$1" "$3" 2>/dev/null)" = "$2" ]; }

# until_ok SECONDS COMMAND... retries COMMAND until it succeeds, for at most SECONDS.
until_ok() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# postmaster_pid N prints node N's postmaster PID, or fails. The PID in
# postmaster.pid counts only while that process's working directory is the
# node's data dir (the postmaster chdirs there): a stale file whose PID now
# belongs to another program must never get that program signalled.
postmaster_pid() {
	local d pid
	d=$(datadir "$1")
	[ -f "$d/postmaster.pid" ] || return 1
	pid=$(head -n 1 "$d/postmaster.pid")
	[[ $pid =~ ^[0-9]+$ ]] && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$d" ] || return 1
	echo "$pid"
}

# node_pids N prints every postgres process of node N, the postmaster and
# its children, which all keep the data dir as their working directory.
node_pids() {
	local d p comm
	d=$(datadir "$1")
	for p in /proc/[0-9]*; do
		read -r comm 2>/dev/null <"$p/comm" || continue
		[ "$comm" = postgres ] && [ "$(readlink "$p/cwd" 2>/dev/null)" = "$d" ] && echo "${p#/proc/}"
	done
	return 0
}

gone() { [ -z "$(node_pids "$1")" ]; }

# kill_node N SIGNAL signals node N's postmaster and waits for its children.
# They exit by themselves once their postmaster is gone, but a new one
# cannot start while they hold the old shared memory, so after SIGKILL the
# stragglers get SIGKILL too.
kill_node() {
	local pid
	if pid=$(postmaster_pid "$1"); then kill "-$2" "$pid" 2>/dev/null || true; fi
	until_ok "$kill_timeout_s" gone "$1" && return 0
	[ "$2" = KILL ] || return 1
	node_pids "$1" | xargs -r kill -KILL 2>/dev/null || true
	until_ok "$kill_timeout_s" gone "$1" || die "node$1 still has processes: $(node_pids "$1" | tr '\n' ' ')"
}

stop_node() {
	postmaster_pid "$1" >/dev/null || return 0
	as_pg "$pgbin/pg_ctl" -D "$(datadir "$1")" -m fast -t "$stop_timeout_s" -w stop >/dev/null && return 0
	say "node$1: pg_ctl stop failed; sending SIGTERM, then SIGKILL"
	kill_node "$1" TERM || kill_node "$1" KILL
}

# clear_stale N removes node N's lock files when they name no live
# postmaster of it but a PID that is gone, a zombie (a postmaster killed
# with SIGKILL stays one until init reaps it, which some containers never
# do) or another program: PostgreSQL would take them for a running server.
clear_stale() {
	local d pid state cwd
	d=$(datadir "$1")
	[ -f "$d/postmaster.pid" ] || return 0
	pid=$(head -n 1 "$d/postmaster.pid")
	state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
	if [ -z "$state" ] || [ "$state" = Z ] || { [ -n "$cwd" ] && [ "$cwd" != "$d" ]; }; then
		rm -f "$d/postmaster.pid" "$root/.s.PGSQL.$(port "$1").lock"
	fi
}

start_node() {
	postmaster_pid "$1" >/dev/null && return 0
	clear_stale "$1"
	if ! as_pg "$pgbin/pg_ctl" -D "$(datadir "$1")" -l "$root/node$1.log" -t "$start_timeout_s" -w start >/dev/null; then
		tail -n 20 "$root/node$1.log" >&2
		die "node$1 did not start on port $(port "$1"); the end of $root/node$1.log is above"
	fi
}

# create_node N makes node N's data dir: node1 with initdb, the others as
# copies of node1. Each is built in a .new directory and renamed when
# complete, so an interrupted `up` leaves nothing half-made behind.
create_node() {
	local d=$root/node$1 tmp=$root/node$1.new
	[ -d "$d" ] && return 0
	rm -rf "$tmp"
	if [ "$1" -eq 1 ]; then
		# --no-sync skips only initdb's own flush: losing the machine loses
		# this cluster anyway. The server keeps fsync on.
		as_pg "$pgbin/initdb" -D "$tmp" -U postgres -E UTF8 --locale=C --auth=trust --no-sync >/dev/null
		# Trust only over 127.0.0.1; on the unix sockets in the root dir,
		# only the postgres OS user, as itself.
		cat >"$tmp/pg_hba.conf" <<-EOF
			local all         postgres         peer
			host  all         all 127.0.0.1/32 trust
			host  replication all 127.0.0.1/32 trust
		EOF
		cat >>"$tmp/postgresql.conf" <<-EOF

			# cluster.sh: these lines win over the defaults above.
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$root'
			wal_level = replica
			max_wal_senders = 10
			# Lets a standby stopped for a test catch up without a replication slot.
			wal_keep_size = 64MB
			hot_standby = on
			synchronous_commit = on
			synchronous_standby_names = 'ANY 1 (node2, node3)'
			shared_buffers = 32MB
		EOF
	else
		# -R copies application_name into primary_conninfo: that is the name
		# synchronous_standby_names knows this standby by. A fast checkpoint
		# starts the copy at once instead of after a paced one.
		as_pg "$pgbin/pg_basebackup" -D "$tmp" -R --checkpoint=fast --no-sync \
			-d "host=127.0.0.1 port=$(port 1) user=postgres application_name=node$1"
		# Empty until promote names the standbys that follow this node: a
		# promoted standby must not wait for standbys that are not there.
		echo "synchronous_standby_names = ''" >>"$tmp/postgresql.conf"
	fi
	printf "port = %s\ncluster_name = 'node%s'\n" "$(port "$1")" "$1" >>"$tmp/postgresql.conf"
	mv "$tmp" "$d"
}

# streaming succeeds once both standbys stream and the primary sees them.
streaming() {
	answers "$(port 2)" streaming "SELECT status FROM pg_stat_wal_receiver" &&
		answers "$(port 3)" streaming "SELECT status FROM pg_stat_wal_receiver" &&
		answers "$(port 1)" 2 "SELECT count(*) FROM pg_stat_replication
			WHERE state = 'streaming' AND application_name IN ('node2', 'node3')"
}

cmd_up() {
	local n up=0
	find_bin || install_pg
	for n in 1 2 3; do
		postmaster_pid "$n" >/dev/null && "$pgbin/pg_isready" -q -U postgres -h 127.0.0.1 -p "$(port "$n")" && up=$((up + 1))
	done
	if [ "$up" -eq 3 ]; then
		say "the cluster at $root is already up"
		cmd_dsn
		return
	fi
	if [ -d "$root" ] && [ ! -f "$marker" ] && [ -n "$(ls -A "$root")" ]; then
		die "$root exists and was not made by cluster.sh; choose another KUOTA_PG_ROOT"
	fi
	for n in 2 3; do
		if [ -d "$(datadir "$n")" ] && [ ! -f "$(datadir "$n")/standby.signal" ]; then
			die "node$n was promoted; run down, then up, for a fresh cluster"
		fi
	done
	# The socket path, $root/.s.PGSQL.PORT, must fit the kernel's 108 bytes.
	[ $((${#root} + 18)) -lt 108 ] || die "KUOTA_PG_ROOT is too long for a unix socket path: $root"
	mkdir -p "$root"
	touch "$marker"
	[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$root"
	as_pg test -w "$root" -a -x "$root" ||
		die "the postgres user cannot write $root; every directory above it must be searchable"

	create_node 1
	start_node 1
	# Made before the standbys are copied, so that they have it as soon as
	# they run: a commit waits for a standby's flush, not for its replay.
	# Local, because no standby is there yet to confirm it.
	answers "$(port 1)" 1 "SELECT 1 FROM pg_database WHERE datname = 'kuota'" ||
		q "$(port 1)" "SET synchronous_commit = local" "CREATE DATABASE kuota"
	for n in 2 3; do
		create_node "$n"
		start_node "$n"
	done
	if ! until_ok "$stream_timeout_s" streaming; then
		q "$(port 1)" "SELECT application_name, state FROM pg_stat_replication" >&2 || true
		die "the standbys did not stream within ${stream_timeout_s}s; see $root/node2.log and $root/node3.log"
	fi
	say "up in ${SECONDS}s at $root, ports $(port 1)-$(port 3)"
	cmd_dsn
}

cmd_down() {
	local n
	[ -d "$root" ] || return 0
	[ -f "$marker" ] || die "$root was not made by cluster.sh; leaving it alone"
	find_bin || true # without binaries, stop_node falls back to signals
	for n in 1 2 3; do stop_node "$n"; done
	rm -rf "$root"
}

cmd_status() {
	local n p
	find_bin || die "PostgreSQL is not installed"
	[ -d "$root" ] || { echo "no cluster at $root"; return 0; }
	for n in 1 2 3; do
		p=$(port "$n")
		if ! postmaster_pid "$n" >/dev/null; then
			echo "node$n port $p: down"
		elif ! "$pgbin/pg_isready" -q -U postgres -h 127.0.0.1 -p "$p"; then
			echo "node$n port $p: running, not accepting connections"
		elif answers "$p" t "SELECT pg_is_in_recovery()"; then
			echo "node$n port $p: standby, $(q "$p" "SELECT coalesce(max(status || ' from port ' || sender_port), 'not streaming') FROM pg_stat_wal_receiver")"
		else
			echo "node$n port $p: primary, synchronous_standby_names = '$(q "$p" "SHOW synchronous_standby_names")'"
			q "$p" "SELECT '  ' || application_name || ' ' || state || ' ' || sync_state ||
				' replay_lag=' || coalesce(replay_lag::text, '0') FROM pg_stat_replication ORDER BY 1"
		fi
	done
}

cmd_dsn() {
	echo "postgres://postgres@127.0.0.1:$(port 1),127.0.0.1:$(port 2),127.0.0.1:$(port 3)/kuota?target_session_attrs=read-write&sslmode=disable"
}

cmd_stop() { find_bin || true; stop_node "$1"; }
cmd_kill() { kill_node "$1" KILL; }

# cmd_promote N makes standby N the primary and points the other running
# standbys at it; they follow its new timeline without a restart
# (primary_conninfo reloads since PostgreSQL 13, recovery_target_timeline
# defaults to latest). The old primary is left as it is.
cmd_promote() {
	local n=$1 m p standbys=0 followers
	find_bin || die "PostgreSQL is not installed"
	postmaster_pid "$n" >/dev/null || die "node$n is not running"
	[ -f "$(datadir "$n")/standby.signal" ] || die "node$n is not a standby"
	as_pg "$pgbin/pg_ctl" -D "$(datadir "$n")" -t "$start_timeout_s" -w promote >/dev/null
	p=$(port "$n")
	for m in 1 2 3; do
		if [ "$m" = "$n" ] || ! answers "$(port "$m")" t "SELECT pg_is_in_recovery()"; then continue; fi
		q "$(port "$m")" >/dev/null \
			"ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=$p user=postgres application_name=node$m'" \
			"SELECT pg_reload_conf()"
		standbys=$((standbys + 1))
	done
	# Only standbys that stream from the new primary are named in its
	# synchronous_standby_names: naming one that cannot follow would make
	# every commit wait forever. With no follower, commits are asynchronous.
	[ "$standbys" -eq 0 ] || until_ok "$follow_timeout_s" answers "$p" "$standbys" \
		"SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" || true
	followers=$(q "$p" "SELECT string_agg(application_name, ', ' ORDER BY application_name)
		FROM pg_stat_replication WHERE state = 'streaming'")
	if [ -z "$followers" ]; then
		say "node$n is the primary; no standby follows it, so its commits are asynchronous"
		return
	fi
	q "$p" "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 ($followers)'" "SELECT pg_reload_conf()" >/dev/null
	say "node$n is the primary; a commit waits for one of: $followers"
}

usage() {
	echo "usage: cluster.sh up | down | status | dsn | stop N | promote N | kill N   (N = 1, 2 or 3)" >&2
	exit 2
}

case "${1:-}" in
up | down | status | dsn) "cmd_$1" ;;
stop | kill | promote)
	[[ ${2:-} =~ ^[123]$ ]] || usage
	"cmd_$1" "$2"
	;;
*) usage ;;
esac
