#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: natter's figures and, in the same run, the limits they are bounded
# by (bench/nb_*.c), printed side by side with their ratio; bench/results.json.
# Not a test: nothing fails on speed. A figure whose step fails is reported as
# missing (null) and the bench exits 1 at the end.
#
# Safety: every natter runs with --iface lo --bind 127.0.0.1 --port 0 and a
# random group 239.255.X.Y:PORT, in homes under one mktemp directory; every
# loop is bounded in count and time; everything started here is killed on exit.
#
# Environment: NATTER (the release binary), BENCH_BIN (the built nb_* tools),
# QUICK=1 for the short run, SMOKE=1 for one run of tiny counts (make check's
# bench-smoke: does every step still give a number? its figures mean nothing),
# BENCH_JSON (default bench/results.json).
set -u -o pipefail

NATTER=${NATTER:?set NATTER to the natter binary}
BIN=${BENCH_BIN:?set BENCH_BIN to the folder of the nb_* tools}
OUT_JSON=${BENCH_JSON:-bench/results.json}
case ${QUICK:-} in '' | 0 | no) Q=0 ;; *) Q=1 ;; esac
case ${SMOKE:-} in '' | 0 | no) ;; *) Q=2 ;; esac
MODE=$(case $Q in 0) echo full ;; 1) echo QUICK ;; *) echo SMOKE ;; esac)

RUNS=3
SIZE=100
SQL_ROWS=1000000 HIST_ROWS=100000 HIST_PEERS=50 IDLE_S=10
if [ "$Q" = 2 ]; then
	RUNS=1 STREAM_N=500 RTT_N=20 SEND_K=2 DISC_N=2 MESH_N=3
	TCP_N=5000 CRYPTO_N=2000 FSYNC_N=20 SQL_SECS=1 SQL_ROWS=2000 EXEC_K=2
	HIST_ROWS=2000 HIST_PEERS=5 IDLE_S=1
elif [ "$Q" = 1 ]; then
	STREAM_N=10000 RTT_N=200 SEND_K=10 DISC_N=5 MESH_N=10
	TCP_N=200000 CRYPTO_N=50000 FSYNC_N=200 SQL_SECS=1 EXEC_K=10
else
	STREAM_N=100000 RTT_N=2000 SEND_K=20 DISC_N=20 MESH_N=50
	TCP_N=1000000 CRYPTO_N=200000 FSYNC_N=1000 SQL_SECS=2 EXEC_K=20
fi
MQTT_WINDOW=1024 # natter's NODE_WINDOW, for a like-for-like in-flight bound

T=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
PIDS=()
FAILED=()
START_S=$SECONDS

# ---- housekeeping ----

stop_pids() { # PID...: TERM, up to 3 s, then KILL; reaped
	local p i
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do
		for ((i = 0; i < 30; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	trap - EXIT INT TERM
	[ ${#PIDS[@]} -gt 0 ] && stop_pids "${PIDS[@]}"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }
fail() { # FIGURE WHY: a step that produced no number
	say "bench: $1: $2"
	FAILED+=("$1")
}
now_us() { echo "${EPOCHREALTIME/./}"; }
kv() { awk -F= -v k="$2" '$1 == k { print $2; exit }' "$1"; } # FILE KEY
rnd() { echo $(((RANDOM << 15 | RANDOM) % $1)); }

new_group() { # sets GRP_ADDR, GRP_PORT, GRP
	GRP_ADDR="239.255.$(($(rnd 250) + 1)).$(($(rnd 250) + 1))"
	GRP_PORT=$((20000 + $(rnd 40000)))
	GRP="$GRP_ADDR:$GRP_PORT"
}

mkhome() { # NAME: create T/NAME with its identity and store; prints its fingerprint
	"$NATTER" --home "$T/$1" --nick "$1" --id 2>/dev/null | head -n 1
}

start_node() { # NAME ARGS...: a --listen node for T/NAME in the background; sets LAST_PID
	local name=$1
	shift
	# The binary itself, not a shell function: $! must be natter, not a subshell.
	"$NATTER" --home "$T/$name" --iface lo --bind 127.0.0.1 --port 0 --group "$GRP" \
		--listen "$@" >"$T/$name.out" 2>"$T/$name.err" &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

forget_pids() { # PID...: drop from PIDS once stopped
	local p q keep=()
	for p in "${PIDS[@]}"; do
		for q in "$@"; do [ "$p" = "$q" ] && continue 2; done
		keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

cpu_ticks() { # PID: utime + stime, in clock ticks (/proc/PID/stat fields 14, 15)
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
cpu_ns() { # PID: time on CPU in ns (/proc/PID/schedstat), finer than ticks
	awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null || echo 0
}

# med NUMBERS...: "median min max" (median of an even count: the lower middle)
med() {
	printf '%s\n' "$@" | grep -E '^-?[0-9.]+$' | sort -g | awk '
		{ v[NR] = $1 } END { if (NR == 0) { print "null null null"; exit }
		print v[int((NR + 1) / 2)], v[1], v[NR] }'
}
pct() { # P NUMBERS...: nearest-rank percentile
	local p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END {
		if (NR == 0) { print "null"; exit }
		r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'
}
calc() { awk "BEGIN { x = $1; print x }" 2>/dev/null; } # EXPR, with null-safe callers

# Results: R[key]="median min max" for the natter figures, L[key]=value for limits.
declare -A R L

# ---- limits: what this machine allows, measured now ----

limits() {
	local r f
	local -a fs fds fsp fdsp tb tps trp50 trp99 ssp ssf sg vf s1 s1p50 s1p99 s100 s1000 ex
	say "bench: limits (loopback TCP, libsodium, SQLite, fsync, process start)"
	for ((r = 1; r <= RUNS; r++)); do
		f=$T/lim.$r
		"$BIN/nb_fsync" "$T" "$FSYNC_N" >"$f.fsync" || fail fsync "nb_fsync failed"
		fs+=("$(kv "$f.fsync" fsync_p50_us)") fsp+=("$(kv "$f.fsync" fsync_p99_us)")
		fds+=("$(kv "$f.fsync" fdatasync_p50_us)") fdsp+=("$(kv "$f.fsync" fdatasync_p99_us)")
		timeout 120 "$BIN/nb_tcp" stream "$TCP_N" "$SIZE" >"$f.tcp" || fail tcp "nb_tcp stream failed"
		timeout 60 "$BIN/nb_tcp" pingpong "$RTT_N" "$SIZE" >>"$f.tcp" || fail tcp "nb_tcp pingpong failed"
		tb+=("$(kv "$f.tcp" tcp_stream_batched_per_s)") tps+=("$(kv "$f.tcp" tcp_stream_per_send_per_s)")
		trp50+=("$(kv "$f.tcp" tcp_rtt_p50_us)") trp99+=("$(kv "$f.tcp" tcp_rtt_p99_us)")
		timeout 60 "$BIN/nb_crypto" "$CRYPTO_N" "$SIZE" >"$f.crypto" || fail crypto "nb_crypto failed"
		ssp+=("$(kv "$f.crypto" ss_plain_per_s)") ssf+=("$(kv "$f.crypto" ss_frame_per_s)")
		sg+=("$(kv "$f.crypto" sign_us)") vf+=("$(kv "$f.crypto" verify_us)")
		timeout 60 "$BIN/nb_sqlite" insert "$T" 1 "$SQL_ROWS" "$SQL_SECS" >"$f.sql1" || fail sqlite "insert 1 failed"
		timeout 60 "$BIN/nb_sqlite" insert "$T" 100 "$SQL_ROWS" "$SQL_SECS" >"$f.sql100" || fail sqlite "insert 100 failed"
		timeout 60 "$BIN/nb_sqlite" insert "$T" 1000 "$SQL_ROWS" "$SQL_SECS" >"$f.sql1000" || fail sqlite "insert 1000 failed"
		s1+=("$(kv "$f.sql1" rows_per_s)") s1p50+=("$(kv "$f.sql1" tx_p50_us)") s1p99+=("$(kv "$f.sql1" tx_p99_us)")
		s100+=("$(kv "$f.sql100" rows_per_s)") s1000+=("$(kv "$f.sql1000" rows_per_s)")
		timeout 60 "$BIN/nb_ctl" spawn "$EXEC_K" "$NATTER" --version >"$f.exec" || fail exec "natter --version failed"
		ex+=("$(kv "$f.exec" p50_us)")
	done
	R[lim_fsync_p50]=$(med "${fs[@]}") R[lim_fsync_p99]=$(med "${fsp[@]}")
	R[lim_fdatasync_p50]=$(med "${fds[@]}") R[lim_fdatasync_p99]=$(med "${fdsp[@]}")
	R[lim_tcp_batched]=$(med "${tb[@]}") R[lim_tcp_per_send]=$(med "${tps[@]}")
	R[lim_tcp_rtt_p50]=$(med "${trp50[@]}") R[lim_tcp_rtt_p99]=$(med "${trp99[@]}")
	R[lim_ss_plain]=$(med "${ssp[@]}") R[lim_ss_frame]=$(med "${ssf[@]}")
	R[lim_sign_us]=$(med "${sg[@]}") R[lim_verify_us]=$(med "${vf[@]}")
	R[lim_sql_1]=$(med "${s1[@]}") R[lim_sql_1_p50]=$(med "${s1p50[@]}") R[lim_sql_1_p99]=$(med "${s1p99[@]}")
	R[lim_sql_100]=$(med "${s100[@]}") R[lim_sql_1000]=$(med "${s1000[@]}")
	R[lim_exec_p50]=$(med "${ex[@]}")
}

# R values are "median min max": split on purpose below.
# shellcheck disable=SC2086
m() { set -- ${R[$1]:-null}; echo "$1"; } # the median of R[KEY]

# ---- natter between two running nodes: rtt, send_cli, stream ----

pairs() {
	local r fpb pa pb t0 t1 rc before after i ca cb
	local -a p50 p99 cli rate cpua cpub
	awk -v n="$STREAM_N" -v size="$SIZE" 'BEGIN { for (i = 0; i < n; i++) {
		s = sprintf("stream %08d ", i); while (length(s) < size) s = s "x"; print s } }' >"$T/stream.txt"
	for ((r = 1; r <= RUNS; r++)); do
		say "bench: pair $r/$RUNS: rtt ($RTT_N), send_cli ($SEND_K), stream ($STREAM_N)"
		new_group
		mkhome "a$r" >/dev/null
		fpb=$(mkhome "b$r")
		start_node "a$r"
		pa=$LAST_PID
		start_node "b$r" --json
		pb=$LAST_PID
		if ! "$BIN/nb_ctl" waitonline "$T/a$r" "$fpb" "$(now_us)" 10000 >/dev/null; then
			fail pair "a$r never saw b$r online"
			stop_pids "$pa" "$pb"
			forget_pids "$pa" "$pb"
			continue
		fi
		if timeout 300 "$BIN/nb_ctl" rtt "$T/a$r" "$fpb" "$RTT_N" 10 "$SIZE" >"$T/rtt.$r"; then
			p50+=("$(kv "$T/rtt.$r" p50_us)") p99+=("$(kv "$T/rtt.$r" p99_us)")
		else
			fail rtt "run $r failed"
		fi
		if timeout 300 "$BIN/nb_ctl" spawn "$SEND_K" "$NATTER" --home "$T/a$r" --iface lo \
			--bind 127.0.0.1 --port 0 --group "$GRP" --timeout 10 --send "$fpb" x >"$T/cli.$r"; then
			cli+=("$(calc "$(kv "$T/cli.$r" p50_us) / 1000")")
		else
			fail send_cli "run $r failed"
		fi
		before=$(wc -l <"$T/b$r.out")
		ca=$(cpu_ticks "$pa") cb=$(cpu_ticks "$pb")
		t0=$(now_us)
		# shellcheck disable=SC2002 # the pipe is the point: --send reads a pipe
		cat "$T/stream.txt" | timeout 900 "$NATTER" --home "$T/a$r" --iface lo --bind 127.0.0.1 \
			--port 0 --group "$GRP" --timeout 600 --send "$fpb" 2>"$T/send.$r.err"
		rc=$?
		t1=$(now_us)
		cpua+=("$(calc "($(cpu_ticks "$pa") - $ca) / $(getconf CLK_TCK)")")
		cpub+=("$(calc "($(cpu_ticks "$pb") - $cb) / $(getconf CLK_TCK)")")
		for ((i = 0; i < 50; i++)); do # B prints before it acknowledges; allow a moment
			after=$(wc -l <"$T/b$r.out")
			[ $((after - before)) -ge "$STREAM_N" ] && break
			sleep 0.1
		done
		if [ "$rc" -ne 0 ]; then
			fail stream "run $r: natter --send exited $rc ($(tail -n 1 "$T/send.$r.err"))"
		elif [ $((after - before)) -ne "$STREAM_N" ]; then
			fail stream "run $r: b printed $((after - before)) of $STREAM_N messages"
		else
			rate+=("$(calc "$STREAM_N / (($t1 - $t0) / 1000000)")")
		fi
		stop_pids "$pa" "$pb"
		forget_pids "$pa" "$pb"
	done
	R[rtt_p50]=$(med "${p50[@]}") R[rtt_p99]=$(med "${p99[@]}")
	R[send_cli]=$(med "${cli[@]}") R[stream]=$(med "${rate[@]}")
	R[stream_cpu_a]=$(med "${cpua[@]}") R[stream_cpu_b]=$(med "${cpub[@]}")
}

# ---- discovery: a new node until a running one lists it online ----

discovery() {
	local r i fp pr pn t0
	local -a run_p50 samples
	say "bench: discovery ($RUNS x $DISC_N starts)"
	new_group
	mkhome disc_r >/dev/null
	start_node disc_r
	pr=$LAST_PID
	for ((r = 1; r <= RUNS; r++)); do
		samples=()
		for ((i = 1; i <= DISC_N; i++)); do
			fp=$(mkhome "disc_${r}_$i")
			t0=$(now_us)
			start_node "disc_${r}_$i"
			pn=$LAST_PID
			if "$BIN/nb_ctl" waitonline "$T/disc_r" "$fp" "$t0" 10000 >"$T/disc.$r.$i"; then
				samples+=("$(calc "$(kv "$T/disc.$r.$i" elapsed_us) / 1000")")
			else
				fail discovery "start $i of run $r not seen within 10 s"
			fi
			stop_pids "$pn"
			forget_pids "$pn"
		done
		[ ${#samples[@]} -gt 0 ] && run_p50+=("$(pct 50 "${samples[@]}")")
	done
	stop_pids "$pr"
	forget_pids "$pr"
	R[discovery]=$(med "${run_p50[@]}")
}

# ---- mesh, then idle beacons, RSS and CPU of a node with history ----

MESH_PIDS=()
mesh() {
	local r i t0 fp
	local -a took homes fps
	for ((r = 1; r <= RUNS; r++)); do
		say "bench: mesh $r/$RUNS ($MESH_N nodes)"
		new_group
		homes=() fps=()
		for ((i = 1; i <= MESH_N; i++)); do
			fps+=("$(mkhome "m${r}_$i")")
			homes+=("$T/m${r}_$i")
		done
		MESH_PIDS=()
		t0=$(now_us)
		for ((i = 1; i <= MESH_N; i++)); do
			"$NATTER" --home "$T/m${r}_$i" --iface lo --bind 127.0.0.1 --port 0 \
				--group "$GRP" --listen >/dev/null 2>"$T/m${r}_$i.err" &
			MESH_PIDS+=($!)
			PIDS+=($!)
		done
		if "$BIN/nb_ctl" meshwait "$t0" 60000 "$MESH_N" "${homes[@]}" >"$T/mesh.$r"; then
			took+=("$(calc "$(kv "$T/mesh.$r" mesh_us) / 1000000")")
		else
			fail mesh "run $r: $(kv "$T/mesh.$r" settled) of $MESH_N nodes saw all others within 60 s"
		fi
		if [ "$r" -lt "$RUNS" ]; then
			stop_pids "${MESH_PIDS[@]}"
			forget_pids "${MESH_PIDS[@]}"
		fi
	done
	R[mesh]=$(med "${took[@]}")
	MESH_FPS=("${fps[@]}")
}

idle() {
	local fp px i c0 c1 n0 n1 w0 w1 fakes=() want p
	local -a others_cpu others_hwm
	say "bench: idle node with $HIST_PEERS peers and $HIST_ROWS history rows, ${IDLE_S} s"
	# The node under test: a store filled directly (nb_sqlite fill, natter's own
	# tables) with HIST_ROWS messages from HIST_PEERS peers: the mesh's nodes and,
	# when the mesh is smaller, stored peers that never appear.
	mkhome idle >/dev/null
	for ((i = ${#MESH_FPS[@]}; i < HIST_PEERS; i++)); do
		fakes+=("$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')")
	done
	if ! timeout 120 "$BIN/nb_sqlite" fill "$T/idle/natter.db" "$HIST_ROWS" \
		"${MESH_FPS[@]:0:$HIST_PEERS}" "${fakes[@]}" >"$T/fill"; then
		fail rss "cannot fill the store"
		return
	fi
	start_node idle
	px=$LAST_PID
	want=${#MESH_FPS[@]}
	for ((i = 0; i < 300; i++)); do # up to 30 s for it to see the mesh
		"$BIN/nb_ctl" online "$T/idle" >"$T/idle.online" 2>/dev/null &&
			[ "$(kv "$T/idle.online" online)" -ge "$want" ] && break
		sleep 0.1
	done
	[ "$(kv "$T/idle.online" online 2>/dev/null)" -ge "$want" ] 2>/dev/null ||
		say "bench: the idle node sees $(kv "$T/idle.online" online) of $want mesh nodes"
	sleep 1 # let start-up settle (probe answers, stored peers' first dial attempts)
	"$BIN/nb_beacons" "$GRP_ADDR" "$GRP_PORT" "$IDLE_S" >"$T/beacons" &
	local pbeacons=$!
	PIDS+=("$pbeacons")
	c0=$(cpu_ticks "$px") n0=$(cpu_ns "$px") w0=$(now_us)
	declare -A o0
	for p in "${MESH_PIDS[@]}"; do o0[$p]=$(cpu_ns "$p"); done
	sleep "$IDLE_S"
	c1=$(cpu_ticks "$px") n1=$(cpu_ns "$px") w1=$(now_us)
	for p in "${MESH_PIDS[@]}"; do
		others_cpu+=("$(calc "($(cpu_ns "$p") - ${o0[$p]}) / (($w1 - $w0) * 1000) * 100")")
		others_hwm+=("$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")")
	done
	wait "$pbeacons"
	forget_pids "$pbeacons"
	R[idle_cpu]="$(calc "($c1 - $c0) / $(getconf CLK_TCK) / (($w1 - $w0) / 1000000) * 100")"
	R[idle_cpu_sched]="$(calc "($n1 - $n0) / (($w1 - $w0) * 1000) * 100")"
	R[idle_cpu_mesh]=$(med "${others_cpu[@]}")
	R[rss]=$(awk '/^VmHWM:/ { print $2 }' "/proc/$px/status")
	R[rss_now]=$(awk '/^VmRSS:/ { print $2 }' "/proc/$px/status")
	R[rss_mesh]=$(med "${others_hwm[@]}")
	R[idle_peers]=$(kv "$T/idle.online" known)
	R[beacons]=$(kv "$T/beacons" beacons_per_node_per_s)
	R[beacon_senders]=$(kv "$T/beacons" senders)
	"$BIN/nb_sqlite" floor "$T/idle/natter.db" >"$T/floor" && R[lim_rss]=$(kv "$T/floor" floor_hwm_kib)
	stop_pids "$px" "${MESH_PIDS[@]}"
	forget_pids "$px" "${MESH_PIDS[@]}"
}

# ---- peer: mosquitto, QoS 1, same messages ----

MOSQUITTO=$(command -v mosquitto || { [ -x /usr/sbin/mosquitto ] && echo /usr/sbin/mosquitto; })
peers() {
	local r port try pm ok
	local -a rate
	if [ -z "$MOSQUITTO" ] || [ ! -x "$BIN/nb_mqtt" ]; then
		say "bench: peer mosquitto skipped (not installed; make bench-peers installs it)"
		R[peer_mqtt]=skipped
		return
	fi
	for ((try = 0; try < 5; try++)); do
		port=$((20000 + $(rnd 40000)))
		printf '%s\n' "listener $port 127.0.0.1" "allow_anonymous true" "persistence false" \
			"max_queued_messages 0" "log_dest stderr" >"$T/mosquitto.conf"
		"$MOSQUITTO" -c "$T/mosquitto.conf" 2>"$T/mosquitto.log" &
		pm=$!
		PIDS+=("$pm")
		ok=0
		for ((r = 0; r < 50; r++)); do
			kill -0 "$pm" 2>/dev/null || break
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ok=1 && break; fi
			sleep 0.1
		done
		[ "$ok" = 1 ] && break
		stop_pids "$pm"
		forget_pids "$pm"
	done
	if [ "$ok" != 1 ]; then
		fail peer "mosquitto did not start on 127.0.0.1 ($(tail -n 1 "$T/mosquitto.log"))"
		R[peer_mqtt]=null
		return
	fi
	for ((r = 1; r <= RUNS; r++)); do
		say "bench: peer mosquitto $r/$RUNS ($STREAM_N messages, QoS 1, window $MQTT_WINDOW)"
		if timeout 400 "$BIN/nb_mqtt" "$port" "$STREAM_N" "$SIZE" "$MQTT_WINDOW" >"$T/mqtt.$r"; then
			rate+=("$(kv "$T/mqtt.$r" msgs_per_s)")
		else
			fail peer "nb_mqtt run $r failed"
		fi
	done
	stop_pids "$pm"
	forget_pids "$pm"
	R[peer_mqtt]=$(med "${rate[@]}")
}

# ---- run ----

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: $MODE run of $NATTER in $T (load average $LOAD0)"
limits
pairs
discovery
mesh
idle
peers

# ---- derived limits (see docs/performance.md, "What is measured") ----

min3() { printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | head -n 1; }
L[stream]=$(min3 "$(m lim_tcp_batched)" "$(m lim_ss_frame)" "$(m lim_sql_1000)")
# One commit, the recipient's: the sender's runs while the message travels.
L[rtt_p50]=$(calc "$(m lim_tcp_rtt_p50) + $(m lim_sql_1_p50)")
L[rtt_p99]=$(calc "$(m lim_tcp_rtt_p99) + $(m lim_sql_1_p99)")
L[send_cli]=$(calc "($(m lim_exec_p50) + ${L[rtt_p50]}) / 1000")
L[discovery]=$(calc "($(m lim_exec_p50) + $(m lim_sign_us) + $(m lim_verify_us) + $(m lim_tcp_rtt_p50) / 2) / 1000")
L[mesh]=$(calc "$MESH_N * $(m lim_exec_p50) / $(nproc) / 1000000")
L[rss]=${R[lim_rss]:-null}

# ---- output ----

fmt() { # NUMBER DIGITS: thousands separators, DIGITS decimals; "-" for none
	[ -z "${1:-}" ] || [ "$1" = null ] && { echo "-"; return; }
	LC_ALL=C awk -v x="$1" -v d="$2" 'BEGIN {
		s = sprintf("%." d "f", x); neg = s ~ /^-/; if (neg) s = substr(s, 2)
		i = index(s, "."); ip = i ? substr(s, 1, i - 1) : s; fp = i ? substr(s, i) : ""
		o = ""; while (length(ip) > 3) { o = "," substr(ip, length(ip) - 2) o; ip = substr(ip, 1, length(ip) - 3) }
		print (neg ? "-" : "") ip o fp }'
}
triple() { # KEY DIGITS: "median (min–max)" of R[KEY]
	local v=${R[$1]:-null}
	# shellcheck disable=SC2086
	set -- $v "$2"
	[ "$1" = null ] || [ "$1" = skipped ] && { echo "${1/null/-}"; return; }
	if [ "$#" -ge 4 ] && [ "$2" != "$3" ]; then
		echo "$(fmt "$1" "$4") ($(fmt "$2" "$4")–$(fmt "$3" "$4"))"
	else
		fmt "$1" "${!#}"
	fi
}
ratio() { # NATTER LIMIT KIND(rate|time)
	[ "$1" = null ] || [ -z "$2" ] || [ "$2" = null ] || [ -z "$1" ] && { echo "-"; return; }
	if [ "$3" = rate ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%% of limit\n", 100 * a / b; else print "-" }'
	else
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx limit\n", a / b; else print "-" }'
	fi
}

row() { printf '%-28s %-26s %-14s %-16s %-18s %s\n' "$@"; }
peer_cell=$(triple peer_mqtt 0)
[ "$peer_cell" = skipped ] || peer_cell="mosquitto $peer_cell"
{
	echo
	echo "natter bench ($MODE): medians of $RUNS runs (min–max); $(nproc) cores, $(uname -r)"
	echo
	row "figure" "natter" "limit" "ratio" "peer" "target"
	row "stream msgs/s" "$(triple stream 0)" "$(fmt "${L[stream]}" 0)" "$(ratio "$(m stream)" "${L[stream]}" rate)" "$peer_cell" ">= 100,000"
	row "rtt p50 us" "$(triple rtt_p50 0)" "$(fmt "${L[rtt_p50]}" 0)" "$(ratio "$(m rtt_p50)" "${L[rtt_p50]}" time)" "-" "<= 500"
	row "rtt p99 us" "$(triple rtt_p99 0)" "$(fmt "${L[rtt_p99]}" 0)" "$(ratio "$(m rtt_p99)" "${L[rtt_p99]}" time)" "-" "<= 2,000"
	row "send_cli p50 ms" "$(triple send_cli 1)" "$(fmt "${L[send_cli]}" 1)" "$(ratio "$(m send_cli)" "${L[send_cli]}" time)" "-" "<= 20"
	row "discovery p50 ms" "$(triple discovery 1)" "$(fmt "${L[discovery]}" 1)" "$(ratio "$(m discovery)" "${L[discovery]}" time)" "-" "<= 50"
	row "mesh s ($MESH_N nodes)" "$(triple mesh 2)" "$(fmt "${L[mesh]}" 2)" "$(ratio "$(m mesh)" "${L[mesh]}" time)" "-" "<= 2"
	row "beacons/s per idle node" "$(fmt "${R[beacons]:-}" 3)" "-" "-" "-" "-"
	row "rss KiB (peak)" "$(fmt "${R[rss]:-}" 0)" "$(fmt "${L[rss]}" 0)" "$(ratio "${R[rss]:-null}" "${L[rss]}" time)" "-" "<= 8,192"
	row "idle cpu %" "$(fmt "${R[idle_cpu_sched]:-}" 3) (ticks $(fmt "${R[idle_cpu]:-}" 2))" "-" "-" "-" "<= 0.1"
	echo
	echo "limits (same run): tcp stream $(triple lim_tcp_batched 0) rec/s batched, $(triple lim_tcp_per_send 0) rec/s one send each;"
	echo "  tcp ping-pong p50 $(triple lim_tcp_rtt_p50 0) us, p99 $(triple lim_tcp_rtt_p99 0) us;"
	echo "  secretstream push+pull $(triple lim_ss_plain 0)/s plain, $(triple lim_ss_frame 0)/s as a natter MSG frame;"
	echo "  Ed25519 sign $(triple lim_sign_us 1) us, verify $(triple lim_verify_us 1) us;"
	echo "  SQLite WAL FULL inserts/s: $(triple lim_sql_1 0) at 1 row/tx (commit p50 $(triple lim_sql_1_p50 0) us, p99 $(triple lim_sql_1_p99 0) us),"
	echo "    $(triple lim_sql_100 0) at 100, $(triple lim_sql_1000 0) at 1000;"
	echo "  fsync p50 $(triple lim_fsync_p50 0) us, p99 $(triple lim_fsync_p99 0) us; fdatasync p50 $(triple lim_fdatasync_p50 0) us, p99 $(triple lim_fdatasync_p99 0) us;"
	echo "  natter --version p50 $(triple lim_exec_p50 0) us; RSS floor (same libraries, same store) $(fmt "${L[rss]}" 0) KiB"
	echo "detail: stream CPU seconds per run, node A $(triple stream_cpu_a 2), node B $(triple stream_cpu_b 2);"
	echo "  idle node: CPU from /proc/PID/schedstat (ns); the ticks of /proc/PID/stat beside it count whole ticks (1 tick in ${IDLE_S} s = $(calc "100 / $(getconf CLK_TCK) / $IDLE_S")%);"
	echo "    $(fmt "${R[rss_now]:-}" 0) KiB resident at the end, ${R[idle_peers]:-?} peers in its table;"
	echo "  mesh nodes: idle CPU $(triple idle_cpu_mesh 3)%, peak RSS $(triple rss_mesh 0) KiB; beacon senders heard: ${R[beacon_senders]:-?}"
	echo "elapsed: $((SECONDS - START_S)) s; load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$T/table.txt"

jnum() { [ -z "${1:-}" ] || [ "$1" = skipped ] && echo null || echo "$1"; }
# shellcheck disable=SC2086
jtrip() { local v=${R[$1]:-null}; set -- $v; [ "$1" = null ] || [ "$1" = skipped ] && { echo null; return; }; echo "[$1, ${2:-$1}, ${3:-$1}]"; }
{
	echo "{"
	echo "  \"quick\": $([ "$Q" = 0 ] && echo false || echo true),"
	echo "  \"mode\": \"$MODE\","
	echo "  \"stream_msgs_per_s\": $(jnum "$(m stream)"),"
	echo "  \"stream_limit_msgs_per_s\": $(jnum "${L[stream]}"),"
	echo "  \"rtt_p50_us\": $(jnum "$(m rtt_p50)"),"
	echo "  \"rtt_p99_us\": $(jnum "$(m rtt_p99)"),"
	echo "  \"send_cli_p50_ms\": $(jnum "$(m send_cli)"),"
	echo "  \"discovery_p50_ms\": $(jnum "$(m discovery)"),"
	echo "  \"mesh_s\": $(jnum "$(m mesh)"),"
	echo "  \"rss_kib\": $(jnum "${R[rss]:-}"),"
	echo "  \"idle_cpu_pct\": $(jnum "${R[idle_cpu_sched]:-}"),"
	echo "  \"peer_mosquitto_qos1_msgs_per_s\": $(jnum "$(m peer_mqtt)"),"
	echo "  \"beacons_per_node_per_s\": $(jnum "${R[beacons]:-}"),"
	echo "  \"idle_cpu_pct_ticks\": $(jnum "${R[idle_cpu]:-}"),"
	echo "  \"runs\": {\"stream\": $(jtrip stream), \"rtt_p50_us\": $(jtrip rtt_p50), \"rtt_p99_us\": $(jtrip rtt_p99),"
	echo "    \"send_cli_p50_ms\": $(jtrip send_cli), \"discovery_p50_ms\": $(jtrip discovery), \"mesh_s\": $(jtrip mesh),"
	echo "    \"peer_mosquitto_qos1_msgs_per_s\": $(jtrip peer_mqtt), \"note\": \"[median, min, max] over $RUNS runs\"},"
	echo "  \"limits\": {\"rtt_p50_us\": $(jnum "${L[rtt_p50]}"), \"rtt_p99_us\": $(jnum "${L[rtt_p99]}"),"
	echo "    \"send_cli_p50_ms\": $(jnum "${L[send_cli]}"), \"discovery_p50_ms\": $(jnum "${L[discovery]}"),"
	echo "    \"mesh_s\": $(jnum "${L[mesh]}"), \"rss_kib\": $(jnum "${L[rss]}"),"
	echo "    \"tcp_stream_batched_per_s\": $(jnum "$(m lim_tcp_batched)"), \"tcp_stream_per_send_per_s\": $(jnum "$(m lim_tcp_per_send)"),"
	echo "    \"tcp_rtt_p50_us\": $(jnum "$(m lim_tcp_rtt_p50)"), \"tcp_rtt_p99_us\": $(jnum "$(m lim_tcp_rtt_p99)"),"
	echo "    \"secretstream_plain_per_s\": $(jnum "$(m lim_ss_plain)"), \"secretstream_frame_per_s\": $(jnum "$(m lim_ss_frame)"),"
	echo "    \"ed25519_sign_us\": $(jnum "$(m lim_sign_us)"), \"ed25519_verify_us\": $(jnum "$(m lim_verify_us)"),"
	echo "    \"sqlite_rows_per_s_1\": $(jnum "$(m lim_sql_1)"), \"sqlite_rows_per_s_100\": $(jnum "$(m lim_sql_100)"),"
	echo "    \"sqlite_rows_per_s_1000\": $(jnum "$(m lim_sql_1000)"), \"sqlite_commit_p50_us\": $(jnum "$(m lim_sql_1_p50)"),"
	echo "    \"sqlite_commit_p99_us\": $(jnum "$(m lim_sql_1_p99)"),"
	echo "    \"fsync_p50_us\": $(jnum "$(m lim_fsync_p50)"), \"fsync_p99_us\": $(jnum "$(m lim_fsync_p99)"),"
	echo "    \"fdatasync_p50_us\": $(jnum "$(m lim_fdatasync_p50)"), \"fdatasync_p99_us\": $(jnum "$(m lim_fdatasync_p99)"),"
	echo "    \"natter_version_p50_us\": $(jnum "$(m lim_exec_p50)")},"
	echo "  \"sizes\": {\"stream_messages\": $STREAM_N, \"rtt_samples\": $RTT_N, \"send_cli_runs\": $SEND_K,"
	echo "    \"discovery_starts\": $DISC_N, \"mesh_nodes\": $MESH_N, \"history_rows\": $HIST_ROWS,"
	echo "    \"history_peers\": $HIST_PEERS, \"idle_seconds\": $IDLE_S, \"message_bytes\": $SIZE, \"runs\": $RUNS},"
	echo "  \"loadavg_start\": \"$LOAD0\", \"loadavg_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
	echo "  \"elapsed_s\": $((SECONDS - START_S))"
	echo "}"
} >"$OUT_JSON.tmp" && mv "$OUT_JSON.tmp" "$OUT_JSON"
say "bench: wrote $OUT_JSON"
if [ ${#FAILED[@]} -gt 0 ]; then
	say "bench: no number for: ${FAILED[*]}"
	exit 1
fi
exit 0
