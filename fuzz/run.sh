#!/bin/sh
# SPDX-License-Identifier: MIT
# Run fuzz targets one after another: sh fuzz/run.sh BUILD_DIR SECONDS TARGET...
# Each runs on BUILD_DIR/corpus-<target>, a copy of fuzz/corpus/<target> that
# keeps what earlier runs found; a failing input lands in
# BUILD_DIR/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-).
# Prints one line per target and exits 1 if any target failed.
dir=$1 secs=$2
shift 2
cd "$(dirname "$0")/.." || exit 1
status=0
for t in "$@"; do
	corpus=$dir/corpus-$t log=$dir/$t.log
	mkdir -p "$corpus"
	cp fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$dir/fuzz_$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$dir/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$done_line" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
		echo "fuzz: $t ok: ${runs:-?} runs in ${secs}s, ${eps:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
	else
		status=1
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
		echo "fuzz: $t FAILED (exit $rc): ${art:-no artifact}; log $log" >&2
		grep -E 'ERROR: |SUMMARY: |check failed|runtime error|round trip' "$log" | head -n 5 | sed 's/^/fuzz:   /' >&2
		[ -n "$art" ] && echo "fuzz:   reproduce: $dir/fuzz_$t $art" >&2
	fi
done
exit $status
