#!/bin/sh
# SPDX-License-Identifier: MIT
# make check's bench-smoke: `make bench` with one run of tiny counts
# (bench.sh SMOKE=1) must still give every figure, its limit and the JSON
# keys issue 6 names. Not a speed test: no figure is compared with anything.
# Usage: check-bench.sh NATTER BENCH_BIN
cd "$(dirname "$0")/.." || exit 1
natter=${1:?usage: check-bench.sh NATTER BENCH_BIN}
bin=${2:?usage: check-bench.sh NATTER BENCH_BIN}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
no() {
	echo "bench-smoke: $*" >&2
	bad=1
}
NATTER=$natter BENCH_BIN=$bin SMOKE=1 BENCH_JSON=$tmp/results.json \
	timeout 300 bash bench/bench.sh >"$tmp/out" 2>"$tmp/err" ||
	no "bench.sh exited $?: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
for k in stream_msgs_per_s stream_limit_msgs_per_s rtt_p50_us rtt_p99_us send_cli_p50_ms \
	discovery_p50_ms mesh_s rss_kib idle_cpu_pct; do
	grep -Eq "^  \"$k\": [0-9][0-9.]*,\$" "$tmp/results.json" 2>/dev/null ||
		no "results.json: no number for $k: $(grep "^  \"$k\"" "$tmp/results.json" 2>/dev/null)"
done
# The peer is null when mosquitto is not installed, a number when it is.
grep -Eq '^  "peer_mosquitto_qos1_msgs_per_s": ([0-9]+|null),$' "$tmp/results.json" 2>/dev/null ||
	no "results.json: peer_mosquitto_qos1_msgs_per_s is neither a number nor null"
# Every row of the table has a figure and, where the issue asks for one, a limit.
for row in "stream msgs/s" "rtt p50 us" "rtt p99 us" "send_cli p50 ms" "discovery p50 ms" \
	"mesh s" "rss KiB"; do
	grep -Eq "^$row( \([^)]*\))? +[0-9][0-9,.]* +[0-9][0-9,.]* " "$tmp/out" ||
		no "table: no figure and limit in the row '$row'"
done
for row in "beacons/s per idle node" "idle cpu %"; do
	grep -Eq "^$row +[0-9][0-9,.]*" "$tmp/out" || no "table: no figure in the row '$row'"
done
[ "$bad" = 0 ] && echo "bench-smoke: every figure, limit and JSON key is there"
exit "$bad"
