# SPDX-License-Identifier: MIT
# Helpers for integration tests: temporary homes, a random discovery group on
# loopback, background nodes that are always reaped, bounded waits.
# Every natter started here uses --iface lo --bind 127.0.0.1: no traffic leaves
# the machine.

: "${NATTER:?set NATTER to the natter binary}"
# Settings from the developer's environment must not reach the test nodes.
unset NATTER_NICK NATTER_IFACE NATTER_GROUP NATTER_PORT NATTER_BIND NATTER_PEERS NATTER_TTL \
	NATTER_TIMEOUT NATTER_CONFIG NATTER_SHARE_PEERS
T=$(mktemp -d "${TMPDIR:-/tmp}/natter-it.XXXXXX")
# POSIX sh has no $RANDOM: draw the group and port from /dev/urandom.
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }
GROUP="239.255.$(($(rnd) % 250 + 1)).$(($(rnd) % 250 + 1)):$((20000 + $(rnd) % 40000))"
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.err; do
		[ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}

# n NAME ARGS...: run natter for the home $T/NAME with loopback-only options.
n() {
	name=$1
	shift
	"$NATTER" --home "$T/$name" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" "$@"
}

# bg INPUT NAME ARGS...: natter for NAME in the background reading INPUT,
# with $! natter itself (signals reach it, not a subshell). The redirection
# must be on the command itself: a background command's stdin is /dev/null.
bg() {
	input=$1
	name=$2
	shift 2
	"$NATTER" --home "$T/$name" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" "$@" \
		<"$input" &
}

# start NAME ARGS...: a background `natter --listen` for NAME; output in $T/NAME.out.
start() {
	name=$1
	shift
	# Not through n(): $! must be natter itself, not a subshell, to be killable.
	"$NATTER" --home "$T/$name" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" \
		--nick "$name" --listen "$@" >"$T/$name.out" 2>"$T/$name.err" &
	PIDS="$PIDS $!"
	eval "PID_$name=$!"
}

# stop NAME: end NAME's background node (SIGTERM) and wait for it.
stop() {
	eval "p=\$PID_$1"
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}

# wait_for SECONDS COMMAND...: retry COMMAND every 0.1 s until it succeeds.
wait_for() {
	limit=$(($1 * 10))
	shift
	i=0
	while [ $i -lt $limit ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# fp NAME: NAME's fingerprint (creates the home if needed).
fp() {
	n "$1" --id | head -n 1
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() {
	grep -qF -- "$2" "$1"
}

# expect_rc WANT COMMAND...: run COMMAND and check its exit status.
expect_rc() {
	want=$1
	shift
	"$@"
	got=$?
	[ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $(echo "$*" | cut -c1-120)"
}
