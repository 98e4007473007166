# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Network lab helpers, sourced by the scenario scripts (tests/lab/s_*.sh).
#
# A lab is a set of network namespaces made for one scenario run and deleted
# when it ends, however it ends:
#
#   <id>-sw      the "switch": holds the bridge br0 (multicast snooping off),
#                nothing else; never any address
#   <id>-h1..hN  the hosts: lo, and eth0 (a veth whose other end, pN, is a
#                port of br0 in <id>-sw), addressed 198.18.1.N/16, with a
#                route for 224.0.0.0/4 on eth0 and no other route
#
# Nothing is created in, and nothing touches, the root namespace: veth pairs
# are created from inside the host namespace with their peer end placed
# straight into the switch namespace. Every natter runs through
# `ip netns exec` in a host namespace with --iface eth0 --bind <its address>.
# A host's iptables rules (loss, partition, multicast block) live in its own
# namespace and die with it.
#
# <id> is "ntl<pid>x<random>", so parallel runs never collide. The names of
# the namespaces are also written to $LAB_NSLIST (when set by run.sh) before
# they are created, so that run.sh can sweep them if this script is killed
# with SIGKILL.

: "${NATTER:?set NATTER to the natter binary (make lab does)}"
LAB_ID="ntl$$x$((RANDOM % 1000))"
LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/natter-lab.XXXXXX")
LAB_SW="$LAB_ID-sw"
[ -n "${LAB_NSLIST:-}" ] && echo "$LAB_DIR" >"$LAB_NSLIST.dir"
LAB_NS=()	 # every namespace this run created (or was about to)
LAB_PIDS=()	 # every background process this run started
LAB_FAILS=()	 # failed assertions: "what"
LAB_NOTES=()	 # observations for the report
LAB_NHOSTS=0
LAB_FIFOS=0
LAB_T0=${EPOCHREALTIME/./}
declare -A ADDR PORT NODE_PID EXTRA
rnd16() { echo $(((RANDOM << 1 ^ RANDOM) & 0xffff)); }
GROUP="239.255.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1)):$((20000 + RANDOM % 40000))"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

lab_log() { printf '[%6.1f] %s\n' "$(lab_since "$LAB_T0")" "$*" >&2; }

# ---- teardown ----

lab_cleanup() {
	local rc=$? p ns i
	trap - EXIT INT TERM HUP
	# Wake what we stopped, then ask everything we started to end.
	for p in "${LAB_PIDS[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null
	done
	for ((i = 0; i < 30; i++)); do
		local alive=0
		for p in "${LAB_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	for p in "${LAB_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	# Whatever still runs inside our namespaces was started by us.
	for ns in "${LAB_NS[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	done
	for p in "${LAB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ns in "${LAB_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${LAB_KEEPLOGS:-}" ]; then
		mkdir -p "$LAB_KEEPLOGS" && cp -r "$LAB_DIR"/. "$LAB_KEEPLOGS"/ 2>/dev/null
	fi
	rm -rf "$LAB_DIR"
	exit $rc
}
trap lab_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- time ----

lab_now() { echo "${EPOCHREALTIME/./}"; } # microseconds
# lab_since T0: seconds (one decimal) from T0 (microseconds) to now
lab_since() {
	local d=$((${EPOCHREALTIME/./} - $1))
	printf '%d.%d' $((d / 1000000)) $((d / 100000 % 10))
}
# lab_secs US: microseconds as seconds with one decimal
lab_secs() { printf '%d.%d' $(($1 / 1000000)) $(($1 / 100000 % 10)); }

# lab_sleep SECS: sleep, but let a signal's trap run at once
lab_sleep() {
	sleep "$1" &
	LAB_PIDS+=($!)
	wait $!
}

# wait_until SECS COMMAND...: retry COMMAND every 0.1 s until it succeeds or
# SECS have passed (bounded in time and count).
wait_until() {
	local limit=$((${EPOCHREALTIME/./} + $1 * 1000000)) n=0
	shift
	while [ $n -lt 100000 ]; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -ge $limit ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# ---- the network ----

lab_ns_add() {
	# Listed for run.sh's sweep before it exists (a SIGKILL may come between),
	# and for our own cleanup once it is ours.
	[ -n "${LAB_NSLIST:-}" ] && echo "$1" >>"$LAB_NSLIST"
	ip netns add "$1" || return 1
	LAB_NS+=("$1")
}

# lab_net N: the switch and hosts h1..hN
lab_net() {
	local n=$1 i
	lab_ns_add "$LAB_SW" || lab_die "cannot create network namespace $LAB_SW"
	ip -n "$LAB_SW" link set lo up
	ip -n "$LAB_SW" link add br0 type bridge mcast_snooping 0 || lab_die "cannot create bridge"
	ip -n "$LAB_SW" link set br0 up
	for ((i = 1; i <= n; i++)); do
		lab_host_add "$i"
	done
	LAB_NHOSTS=$n
	lab_log "lab $LAB_ID: switch + $n hosts, group $GROUP"
}

lab_host_add() {
	local i=$1 ns="$LAB_ID-h$1"
	lab_ns_add "$ns" || lab_die "cannot create $ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$LAB_SW" ||
		lab_die "cannot create veth for h$i"
	# One frame per packet, as on a real wire: without this, veth hands
	# 64 KiB GSO packets to iptables and a "10% loss" hits almost nothing.
	ip -n "$ns" link set eth0 gso_max_segs 1 gso_max_size 1500
	ip -n "$LAB_SW" link set "p$i" gso_max_segs 1 gso_max_size 1500
	ip -n "$LAB_SW" link set "p$i" master br0
	ip -n "$LAB_SW" link set "p$i" up
	ADDR[$i]="198.18.1.$i"
	PORT[$i]=0
	ip -n "$ns" addr add "${ADDR[$i]}/16" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add 224.0.0.0/4 dev eth0
}

ns_of() { echo "$LAB_ID-h$1"; }

# hx H COMMAND...: run COMMAND in host H's namespace
hx() {
	local h=$1
	shift
	ip netns exec "$LAB_ID-h$h" "$@"
}

# set_addr H NEWADDR: move host H to another address (as a DHCP renewal
# handing out a new lease would): the old one is deleted, the new one added.
set_addr() {
	local h=$1 new=$2
	hx "$h" ip addr del "${ADDR[$h]}/16" dev eth0
	hx "$h" ip addr add "$new/16" dev eth0
	hx "$h" ip route replace 224.0.0.0/4 dev eth0
	ADDR[$h]=$new
}

# loss H P: drop a fraction P (0..1) of the packets host H receives and,
# independently, of those it sends.
loss() {
	hx "$1" iptables -w -A INPUT -i eth0 -m statistic --mode random --probability "$2" -j DROP &&
		hx "$1" iptables -w -A OUTPUT -o eth0 -m statistic --mode random --probability "$2" -j DROP
}
# partition H: host H's link drops everything, both ways
partition() {
	hx "$1" iptables -w -A INPUT -i eth0 -j DROP &&
		hx "$1" iptables -w -A OUTPUT -o eth0 -j DROP
}
# block_mcast H: multicast (224.0.0.0/4) neither leaves nor reaches host H
block_mcast() {
	hx "$1" iptables -w -A INPUT -d 224.0.0.0/4 -j DROP &&
		hx "$1" iptables -w -A OUTPUT -d 224.0.0.0/4 -j DROP
}
# heal H: host H's rules are gone
heal() {
	hx "$1" iptables -w -F INPUT && hx "$1" iptables -w -F OUTPUT
}
# dropped H: packets host H's rules dropped so far (both chains)
dropped() {
	hx "$1" iptables -w -L -v -x -n 2>/dev/null | awk '$3 == "DROP" { s += $1 } END { print s + 0 }'
}
# link_down H / link_up H: pull / plug host H's cable (its switch port)
link_down() { ip -n "$LAB_SW" link set "p$1" down; }
link_up() { ip -n "$LAB_SW" link set "p$1" up; }
# slow H RATE: host H's link shaped to RATE both ways (tbf on eth0, and on
# its switch port for the other direction)
slow() {
	hx "$1" tc qdisc add dev eth0 root tbf rate "$2" burst 4kb latency 400ms &&
		ip netns exec "$LAB_SW" tc qdisc add dev "p$1" root tbf rate "$2" burst 4kb latency 400ms
}

# ---- natter ----

# nat H ARGS...: natter for host H's home, on H's link only
nat() {
	local h=$1
	shift
	# shellcheck disable=SC2086
	ip netns exec "$LAB_ID-h$h" "$NATTER" --home "$LAB_DIR/h$h" --iface eth0 \
		--bind "${ADDR[$h]}" --port "${PORT[$h]}" --group "$GROUP" ${EXTRA[$h]:-} "$@"
}

# node_spawn H [ARGS...]: start the long-lived node of host H (`--listen
# --json -vv`) in the background. Each line it prints is appended to
# $LAB_DIR/hH.out, each log line to hH.err, both prefixed with the time it
# came (s.us, via fifos and stamp, so that $! is natter itself).
node_spawn() {
	local h=$1 k=$((++LAB_FIFOS))
	shift
	mkfifo "$LAB_DIR/h$h.o$k" "$LAB_DIR/h$h.e$k" || lab_die "mkfifo"
	stamp <"$LAB_DIR/h$h.o$k" >>"$LAB_DIR/h$h.out" &
	LAB_PIDS+=($!)
	stamp <"$LAB_DIR/h$h.e$k" >>"$LAB_DIR/h$h.err" &
	LAB_PIDS+=($!)
	echo "$EPOCHREALTIME --- start ${ADDR[$h]} port ${PORT[$h]} ${EXTRA[$h]:-} $*" >>"$LAB_DIR/h$h.err"
	# shellcheck disable=SC2086
	ip netns exec "$LAB_ID-h$h" "$NATTER" --home "$LAB_DIR/h$h" --iface eth0 \
		--bind "${ADDR[$h]}" --port "${PORT[$h]}" --group "$GROUP" ${EXTRA[$h]:-} \
		--nick "h$h" --listen --json -vv "$@" >"$LAB_DIR/h$h.o$k" 2>"$LAB_DIR/h$h.e$k" &
	NODE_PID[$h]=$!
	LAB_PIDS+=($!)
}

# node_start H [ARGS...]: node_spawn, then wait until its control socket is
# there
node_start() {
	node_spawn "$@"
	wait_until 10 test -S "$LAB_DIR/h$1/ctl.sock" || lab_die "h$1: node did not start"
}

# node_stop H: SIGTERM to H's node, and wait for it
node_stop() {
	local p=${NODE_PID[$1]:-}
	[ -n "$p" ] || return 0
	kill -CONT "$p" 2>/dev/null
	kill -TERM "$p" 2>/dev/null
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$p" 2>/dev/null && {
		lab_fail "h$1: node did not end within 5 s of SIGTERM"
		kill -KILL "$p" 2>/dev/null
	}
	wait "$p" 2>/dev/null
	NODE_PID[$1]=
	return 0
}

# node_alive H: H's node still runs
node_alive() { kill -0 "${NODE_PID[$1]}" 2>/dev/null; }

# peers H: H's live peer table, JSON Lines
peers() { nat "$1" --peers --json 2>/dev/null; }

# sees H J: host H's node has hJ online
sees() { peers "$1" | grep -q "\"nick\":\"h$2\",.*\"online\":true"; }
# not_sees H J: host H's node has hJ, offline
not_sees() { peers "$1" | grep -q "\"nick\":\"h$2\",.*\"online\":false"; }
# sees_at H J ADDR: H has hJ online at ADDR
sees_at() { peers "$1" | grep "\"nick\":\"h$2\"," | grep -q "\"online\":true.*\"addr\":\"$3:"; }

# gen PREFIX N [BATCH PAUSE [PAD]]: the lines PREFIX-00001 .. PREFIX-N, a
# pause of PAUSE seconds after every BATCH lines, each line padded with PAD
# characters. Bounded by N.
gen() {
	local p=$1 n=$2 batch=${3:-0} pause=${4:-0} pad="" i
	if [ -n "${5:-}" ]; then
		pad=" $(printf '%*s' "$5" '' | tr ' ' 'x')"
	fi
	for ((i = 1; i <= n; i++)); do
		printf '%s-%05d%s\n' "$p" "$i" "$pad"
		if [ "$batch" -gt 0 ] && [ $((i % batch)) -eq 0 ] && [ $i -lt "$n" ]; then
			sleep "$pause"
		fi
	done
}

# stamp: each input line prefixed by the time it was read (s.us)
stamp() {
	local l
	while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done
}

# stream H J PREFIX N TIMEOUT [BATCH PAUSE [PAD]]: in the background, host H's
# node sends the gen lines to hJ (a `--send` handed to H's running node,
# which keeps the outbox and retries by itself). The client's exit code is
# later in $LAB_DIR/send-PREFIX.rc (see send_ok).
stream() {
	local h=$1 j=$2 p=$3 n=$4 to=$5
	shift 5
	(
		{
			gen "$p" "$n" "$@"
			echo "${EPOCHREALTIME/./}" >"$LAB_DIR/gen-$p.end"
		} | nat "$h" --timeout "$to" --json --send "h$j" \
			2>"$LAB_DIR/send-$p.err" | stamp >"$LAB_DIR/send-$p.out"
		echo "${PIPESTATUS[1]}" >"$LAB_DIR/send-$p.rc"
	) &
	LAB_PIDS+=($!)
}

# gen_end PREFIX: when stream PREFIX wrote its last line (microseconds)
gen_end() { cat "$LAB_DIR/gen-$1.end" 2>/dev/null; }

# send_rc PREFIX: the exit code of stream PREFIX's --send ("" while it runs)
send_rc() { cat "$LAB_DIR/send-$1.rc" 2>/dev/null; }
# send_done PREFIX: stream PREFIX's --send has ended
send_done() { [ -s "$LAB_DIR/send-$1.rc" ]; }
# send_ok PREFIX SECS: wait up to SECS for stream PREFIX's --send to end, and
# fail unless it exited 0 (every message acknowledged)
send_ok() {
	wait_until "$2" send_done "$1" || {
		lab_fail "--send of '$1' still runs after $2 s"
		return 1
	}
	[ "$(send_rc "$1")" = 0 ] || {
		lab_fail "--send of '$1' exited $(send_rc "$1"): $(tail -n 2 "$LAB_DIR/send-$1.err" | tr '\n' ' ')"
		return 1
	}
}

# rx_count J PREFIX: lines host J's listener printed for PREFIX (dups count)
rx_count() { grep -c "\"text\":\"$2-" "$LAB_DIR/h$1.out" 2>/dev/null || true; }
# rx_last J PREFIX: when host J showed its last PREFIX line (microseconds)
rx_last() {
	awk -v pre="\"text\":\"$2-" 'index($0, pre) { t = $1 } END { sub(/\./, "", t); print t }' \
		"$LAB_DIR/h$1.out" 2>/dev/null
}
rx_has_all() { [ "$(rx_count "$1" "$2")" -ge "$3" ]; }

# rx_check J PREFIX N FROM: check what host J printed for PREFIX, sent by hFROM.
# Sets RX_GOT (distinct), RX_LOST, RX_DUP, RX_DISORDER (messages shown out of
# order), RX_SEQGAP (seq not +1 from the previous line of the same stream).
rx_check() {
	local out
	out=$(awk -v pre="$2-" -v n="$3" -v from="\"from\":\"h$4\"" '
		index($0, from) == 0 { next }
		!match($0, /"text":"[^"]*"/) { next }
		{ t = substr($0, RSTART + 8, RLENGTH - 9) }
		index(t, pre) != 1 { next }
		{
			k = substr(t, length(pre) + 1, 5) + 0
			match($0, /"seq":[0-9]+/)
			s = substr($0, RSTART + 6, RLENGTH - 6) + 0
			if (prevs != "" && s != prevs + 1) seqgap++
			prevs = s
			if (seen[k]++) { dup++; next }
			if (k < 1 || k > n) { stray++; next }
			got++
			if (k < lastk) disorder++
			lastk = k
		}
		END { printf "%d %d %d %d %d\n", got, n - got, dup + 0, disorder + 0, seqgap + 0 }
	' "$LAB_DIR/h$1.out" 2>/dev/null)
	# shellcheck disable=SC2034 # RX_GOT is for the scenarios
	read -r RX_GOT RX_LOST RX_DUP RX_DISORDER RX_SEQGAP <<<"${out:-0 $3 0 0 0}"
}

# ---- verdicts ----

lab_fail() {
	LAB_FAILS+=("$*")
	lab_log "FAIL: $*"
}
lab_note() {
	LAB_NOTES+=("$*")
	lab_log "note: $*"
}
lab_die() {
	lab_fail "$*"
	lab_result "${LAB_NAME:-?}" "${R_MSGS:-0}" "${R_LOST:--}" "${R_DUP:--}" "-"
	exit 1
}

# rx_assert J PREFIX N FROM: rx_check, and fail on any loss, duplicate or
# disorder. Adds to the scenario's totals R_MSGS R_LOST R_DUP.
rx_assert() {
	rx_check "$@"
	R_MSGS=$((${R_MSGS:-0} + $3))
	R_LOST=$((${R_LOST:-0} + RX_LOST))
	R_DUP=$((${R_DUP:-0} + RX_DUP))
	R_DISORDER=$((${R_DISORDER:-0} + RX_DISORDER + RX_SEQGAP))
	[ "$RX_LOST" -eq 0 ] || lab_fail "h$1 lost $RX_LOST of $3 '$2' messages from h$4"
	[ "$RX_DUP" -eq 0 ] || lab_fail "h$1 showed $RX_DUP '$2' messages twice"
	[ "$RX_DISORDER" -eq 0 ] || lab_fail "h$1 showed $RX_DISORDER '$2' messages out of order"
	[ "$RX_SEQGAP" -eq 0 ] || lab_fail "h$1: $RX_SEQGAP seq gaps in '$2'"
}

# sanitizer_check: any sanitizer report or crash in a log fails the run
sanitizer_check() {
	local f
	for f in "$LAB_DIR"/*.err; do
		[ -f "$f" ] || continue
		if grep -qE "AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:" "$f"; then
			lab_fail "sanitizer report in $(basename "$f"): $(grep -m1 -E "Sanitizer|runtime error:" "$f")"
		fi
	done
}

# lab_result NAME MSGS LOST DUP RECOVER: print the scenario's result line
# (read by run.sh), its notes and failures; exit status follows.
lab_result() {
	local status=PASS n
	[ ${#LAB_FAILS[@]} -eq 0 ] || status=FAIL
	for n in "${LAB_NOTES[@]}"; do printf 'LABNOTE\t%s\t%s\n' "$1" "$n"; done
	for n in "${LAB_FAILS[@]}"; do printf 'LABFAIL\t%s\t%s\n' "$1" "$n"; done
	# No empty fields: run.sh splits on tabs, which read(1) would merge.
	printf 'LABRESULT\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${1:--}" "${2:--}" "${3:--}" "${4:--}" \
		"${R_DISORDER:-0}" "${5:--}" "$status"
	if [ "$status" = FAIL ]; then
		local f
		for f in "$LAB_DIR"/*.err; do
			[ -s "$f" ] || continue
			echo "--- tail of $(basename "$f")" >&2
			tail -n 25 "$f" >&2
		done
	fi
	[ "$status" = PASS ]
}

# lab_finish RECOVER: stop the nodes (a clean exit is checked), look for
# sanitizer reports, print the result line, exit.
lab_finish() {
	local h
	for ((h = 1; h <= LAB_NHOSTS; h++)); do node_stop "$h"; done
	sanitizer_check
	lab_result "$LAB_NAME" "${R_MSGS:-0}" "${R_LOST:-0}" "${R_DUP:-0}" "$1"
	exit $?
}

# lab_need: the tools a scenario needs; says what to install and exits 77
# (skip) when one is missing.
lab_need() {
	local t miss=""
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || miss="$miss $t"
	done
	if [ -n "$miss" ]; then
		echo "lab: missing:$miss (Debian: apt-get install iproute2 iptables)" >&2
		exit 77
	fi
}
