# A node that hears more than 20 peers beacons at pace 2 (one beacon every
# 8-12 s instead of 4-6 s) and says so in its beacons; and it waits a
# peer's pace times 15 s before calling that peer offline.
# 25 fake peers (tests/tools/beaconsim) beacon for 3 s, one of them ("slow")
# at pace 2; then all fall silent.
. ./lib.sh
: "${TOOLS:?set TOOLS to the test tools folder}"
start alice
wait_for 5 test -S "$T/alice/ctl.sock" || fail "alice did not start"
"$TOOLS/beaconsim" "$GROUP" 25 3 22 2 >"$T/sim.out" 2>"$T/sim.err" &
sim=$!
PIDS="$PIDS $sim"
wait_for 5 sh -c "$NATTER --home '$T/alice' --peers | grep -q '^fake24	'" ||
	fail "alice did not hear the fake peers"
# 18 s in: 16 s after the crowd fell silent, the pace-1 fakes are offline,
# "slow" (pace 2: 30 s) is not.
sleep 18
"$NATTER" --home "$T/alice" --peers >"$T/peers" 2>&1 || fail "--peers failed"
grep -q '^slow	.*	online' "$T/peers" || { cat "$T/peers" >&2; fail "slow went offline before 30 s"; }
grep -q '^fake01	.*	offline' "$T/peers" || { cat "$T/peers" >&2; fail "fake01 still online"; }
wait "$sim" || fail "beaconsim failed: $(cat "$T/sim.err")"
# alice's regular beacons (the probe at start is pace 1): the first after the
# crowd arrived carries pace 2, and the gap to the next is at least 8 s.
grep 'probe=0' "$T/sim.out" >"$T/regular"
[ "$(wc -l <"$T/regular")" -ge 2 ] || { cat "$T/sim.out" >&2; fail "fewer than 2 regular beacons"; }
first=$(sed -n 1p "$T/regular")
second=$(sed -n 2p "$T/regular")
case "$first" in *pace=2*) ;; *) fail "first regular beacon not at pace 2: $first" ;; esac
t1=$(echo "$first" | sed 's/.*ms=\([0-9]*\).*/\1/')
t2=$(echo "$second" | sed 's/.*ms=\([0-9]*\).*/\1/')
[ $((t2 - t1)) -ge 7900 ] || fail "beacons only $((t2 - t1)) ms apart at pace 2"
echo "ok: pace 2 after 25 peers, $((t2 - t1)) ms between beacons; a pace-2 peer stays online"
