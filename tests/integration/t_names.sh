# Naming peers: a nick claimed by two keys is ambiguous (67, candidates on
# stderr) even when both first appear during the --send; a fingerprint
# prefix picks one; a --peer HOST:PORT peer is found by the nick its HELLO
# carries, without multicast.
. ./lib.sh
start twin1 --nick twin
start twin2 --nick twin
wait_for 5 test -S "$T/twin1/ctl.sock" || fail "twin1 did not start"
wait_for 5 test -S "$T/twin2/ctl.sock" || fail "twin2 did not start"
n carol --nick carol --send twin "which one?" 2>"$T/amb"
rc=$?
[ $rc -eq 67 ] || fail "ambiguous nick: exit $rc"
has "$T/amb" "'twin' is ambiguous" || fail "no ambiguity message: $(cat "$T/amb")"
[ "$(grep -cE '^  [0-9a-f]{64}  twin' "$T/amb")" -eq 2 ] || fail "candidates: $(cat "$T/amb")"
t1=$(fp twin1)
expect_rc 0 n carol --send "$(echo "$t1" | cut -c1-8)" "by prefix"
wait_for 5 has "$T/twin1.out" "by prefix" || fail "prefix did not reach twin1"
expect_rc 67 n carol --timeout 0.3 --send "$(echo "$t1" | cut -c1-7)" "too short a prefix"

# --peer: dave listens on a group nobody else uses; erin reaches him by address.
"$NATTER" --home "$T/dave" --iface lo --bind 127.0.0.1 --port 0 --group 239.255.0.1:$((20000 + $(rnd) % 40000)) \
	--nick dave --listen -v >"$T/dave.out" 2>"$T/dave.err" &
PIDS="$PIDS $!"
wait_for 5 has "$T/dave.err" "on TCP port" || fail "dave did not start"
port=$(sed -n 's/.*on TCP port \([0-9]*\).*/\1/p' "$T/dave.err")
expect_rc 0 n erin --nick erin --peer "127.0.0.1:$port" --send dave "found by address"
wait_for 5 has "$T/dave.out" "found by address" || fail "dave got nothing"
